// `tessera verify NET --property SPEC.vnnlib`: holds (exit 0; with --certificate FILE a certificate for
// `tessera check`), violated (exit 10, with a counterexample re-checked exactly before it is printed) or unknown
// (exit 20). The output flags (--json, --result-file, --certificate) never change how the verdict is found.
import { ReadTimeoutError, setReadLimits, timeLeftMs } from "../formats/limits.js";
import { Command } from "commander";
import { basename } from "node:path";
import { InternalError, InputError } from "../errors.js";
import { formatRational, type Rational } from "../exact/rational.js";
import { inputSize, outputSize } from "../network/ir.js";
import { loadVnnlib } from "../formats/vnnlib.js";
import { verify, type VerifyOutcome } from "../analysis/verify.js";
import { verifyOnThreads } from "../analysis/verify-pool.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { problemFromVnnlib } from "../analysis/problem.js";
import { recheckCounterexample, vnncompWitness } from "../analysis/counterexample.js";
import { certificateLines, type VerifyCertificate } from "../analysis/certificate.js";
import "../analysis/certificate-check.js";
import { printJson, type CliContext } from "./context.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parsePositiveSeconds } from "./parse.js";
import { openTextFile, writeTextFile } from "./output-file.js";
import { formatReadable } from "../exact/readable.js";
import { addVerifyQueueOptions, verifyOnQueueFromFlags, type QueueFlags } from "./queue-options.js";

interface VerifyFlags extends NetworkFlags, WorkersFlags, Omit<QueueFlags, "unitDecisions"> {
  readonly property: string;
  readonly json?: boolean;
  readonly resultFile?: string;
  readonly timeout?: string;
  readonly certificate?: string;
}

export const VERIFY_EXIT = { holds: 0, violated: 10, unknown: 20 } as const;

/** The loaded inputs, or undefined when --timeout ran out while a reader was still reading. */
function loadOrTimeout<T>(load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (error instanceof ReadTimeoutError) return undefined;
    throw error;
  }
}

function writeOut(file: string, flag: string, text: string): void {
  writeTextFile(file, text, flag);
}

/** Write the certificate: NDJSON line by line when the file name ends in .ndjson, else one JSON document. */
function writeCertificate(file: string, cert: VerifyCertificate): void {
  if (!file.endsWith(".ndjson")) return writeOut(file, "--certificate", JSON.stringify(cert) + "\n");
  const out = openTextFile(file, "--certificate");
  for (const line of certificateLines(cert)) out.write(line + "\n");
  out.close();
}

export function verifyCommand(ctx: CliContext): Command {
  const cmd = new Command("verify")
    .description("decide a VNN-LIB property exactly: holds (with a certificate), violated (with an exact counterexample) or unknown")
    .argument("<network>", "network file (.onnx, .nnet, .json)")
    .requiredOption("--property <file>", "VNN-LIB property file (it describes the UNSAFE set)")
    .option("--json", "print machine-readable JSON")
    .option("--result-file <file>", "also write the VNN-COMP result: unsat, sat with ((X_0 v) ... (Y_0 v) ...), or timeout/unknown")
    .option("--timeout <seconds>", "give up with unknown (exit 20) after this many seconds")
    .option("--certificate <file>", "write the holds certificate to this file (.ndjson: one tree node per line, for large trees)")
    .addHelpText(
      "after",
      "\nExit codes: 0 holds, 10 violated, 20 unknown (a limit was hit), 1 bad input.\n" +
        "With --certificate, a holds answer is written as a certificate (the split tree with every leaf's\n" +
        "relaxation choices) that `tessera check CERT NET --property SPEC` replays in exact arithmetic; the\n" +
        "search is the same with or without it. A counterexample is an exact rational input whose exact output\n" +
        "is in the unsafe set.\n\n" +
        "Examples:\n" +
        "  $ tessera verify ACASXU_run2a_1_1_batch_2000.onnx --property prop_1.vnnlib --certificate cert.json\n" +
        "  $ tessera check cert.json ACASXU_run2a_1_1_batch_2000.onnx --property prop_1.vnnlib\n" +
        "  $ tessera verify net.onnx --property spec.vnnlib --timeout 116 --result-file out.txt --json\n" +
        "  $ tessera verify net.onnx --property spec.vnnlib --workers 8   (branch-and-bound nodes on 8 threads)\n" +
        "  $ tessera verify net.onnx --property spec.vnnlib --queue redis://:PASSWORD@host:6379   (nodes on `tessera worker` processes)\n",
    );
  addWorkersOption(cmd);
  addVerifyQueueOptions(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: VerifyFlags) => {
    const workers = workersFromFlags(flags);
    const timeoutMs = flags.timeout === undefined ? undefined : parsePositiveSeconds(flags.timeout, "--timeout") * 1000;
    // --timeout counts loading: the readers stop at the deadline, and a timeout is verify's answer (unknown,
    // exit 20, `timeout` in the result file) wherever it happens; the search gets the time left.
    const started = performance.now();
    const loaded = loadOrTimeout(() => {
      const net = loadNetworkFromFlags(ctx, file, flags);
      return { net, problem: problemFromVnnlib(loadVnnlib(flags.property), { inputs: inputSize(net), outputs: outputSize(net) }) };
    });
    const { deadline } = setReadLimits({ deadline: Infinity });
    const timeoutSeconds = timeoutMs === undefined ? undefined : timeLeftMs(timeoutMs, deadline) / 1000;
    const options = {
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      certificate: flags.certificate !== undefined,
      files: { network: basename(file), property: basename(flags.property) },
    };
    const outcome: VerifyOutcome = !loaded
      ? { result: "unknown", reason: "timeout", stats: { nodes: 0, leaves: 0, maxDepth: 0, searchPoints: 0, exactChecks: 0, cases: 0, elapsedMs: performance.now() - started } }
      : ((await verifyOnQueueFromFlags(ctx, flags, loaded.net, loaded.problem, options)) ??
        (workers > 1 ? await verifyOnThreads(loaded.net, loaded.problem, workers, options) : verify(loaded.net, loaded.problem, options)));
    ctx.exitCode = VERIFY_EXIT[outcome.result];
    let certificate: string | null = null;
    let counterexample: { input: string[]; output: string[]; float32: { input: readonly number[]; output: readonly number[]; violates: boolean } } | null = null;
    let resultText: string;
    if (outcome.result === "violated") {
      // Re-check from scratch, in rationals, before anything is printed.
      if (!recheckCounterexample(loaded!.net, loaded!.problem, outcome.counterexample)) throw new InternalError("analysis/verify: a counterexample failed its exact re-check");
      const cx = outcome.counterexample;
      counterexample = { input: cx.input.map(formatRational), output: cx.output.map(formatRational), float32: cx.float32 };
      resultText = `sat\n${vnncompWitness(outcome.counterexample)}\n`;
    } else if (outcome.result === "holds") {
      if (outcome.certificate && flags.certificate) {
        writeCertificate(flags.certificate, outcome.certificate);
        certificate = flags.certificate;
      }
      resultText = "unsat\n";
    } else resultText = outcome.reason === "timeout" ? "timeout\n" : "unknown\n";
    if (flags.resultFile) writeOut(flags.resultFile, "--result-file", resultText);
    if (flags.json) {
      return printJson(ctx, {
        result: outcome.result,
        counterexample,
        certificate,
        ...(outcome.result === "unknown" ? { reason: outcome.reason } : {}),
        elapsedMs: outcome.stats.elapsedMs,
        stats: outcome.stats,
      });
    }
    const s = outcome.stats;
    const lines = [`result       ${outcome.result}`, `property     ${flags.property}${loaded ? ` (${loaded.problem.boxes.length} input box(es), ${loaded.problem.disjuncts.length} unsafe disjunct(s))` : " (not read to the end: --timeout ran out while loading)"}`];
    if (outcome.result === "holds") {
      const leaves = outcome.stats.leaves;
      lines.push(`certificate  ${flags.certificate ? `${flags.certificate} (${leaves} leaves; re-check with: tessera check ${flags.certificate} ${file} --property ${flags.property})` : "not written (write one with --certificate FILE)"}`);
    }
    if (outcome.result === "violated") {
      lines.push("counterexample (re-checked in exact arithmetic):");
      // "Y_0 = 3/2", or "Y_0 ≈ -0.020312 (exact: …)" for a long value.
      const line = (name: string) => (v: Rational, i: number): string => {
        const text = formatReadable(v, ctx.exact);
        return `  ${name}_${i} ${text.startsWith("≈") ? text : `= ${text}`}`;
      };
      lines.push(...outcome.counterexample.input.map(line("X")), ...outcome.counterexample.output.map(line("Y")));
      lines.push(
        outcome.counterexample.float32.violates
          ? "float32      the float32 forward pass (sequential sums, informational) violates the property too"
          : "float32      the float32 forward pass (sequential sums, informational) does NOT violate the property here; the exact counterexample stands",
      );
    }
    if (outcome.result === "unknown") lines.push(`reason       ${outcome.reason}`);
    lines.push(`time         ${(s.elapsedMs / 1000).toFixed(3)} s (${s.nodes} branches, ${s.leaves} leaves, depth ${s.maxDepth}, ${s.searchPoints} search points)`);
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}
