// `tessera verify NET --property SPEC.vnnlib`: holds (exit 0; with --certificate FILE a certificate for
// `tessera check`), violated (exit 10, with a counterexample re-checked exactly before it is printed) or unknown
// (exit 20). The output flags (--json, --result-file, --certificate) never change how the verdict is found.
import { ReadTimeoutError, setReadLimits, timeLeftMs } from "../formats/limits.js";
import { Command } from "commander";
import { basename } from "node:path";
import { InternalError, InputError } from "../errors.js";
import { formatRational, type Rational } from "../exact/rational.js";
import { inputSize, outputSize, type Network } from "../network/ir.js";
import { loadVnnlib } from "../formats/vnnlib.js";
import { verify, type VerifyOptions, type VerifyOutcome } from "../analysis/verify.js";
import { INPUT_SPLIT_MAX_DIMENSION } from "../analysis/branch-and-bound.js";
import { VERIFY_UNITS_PER_SHARD, verifyShard } from "../analysis/verify-shard.js";
import { verifyPartDoc } from "./verify-part.js";
import { parseShard } from "./work-units.js";
import { verifyOnThreads } from "../analysis/verify-pool.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { problemFromVnnlib, type VerificationProblem } from "../analysis/problem.js";
import { recheckCounterexample, vnncompWitness } from "../analysis/counterexample.js";
import { certificateLines, type VerifyCertificate } from "../analysis/certificate.js";
import "../analysis/certificate-check.js";
import { printJson, type CliContext } from "./context.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parsePositiveInteger, parsePositiveSeconds } from "./parse.js";
import { openTextFile, writeTextFile } from "./output-file.js";
import { formatReadable } from "../exact/readable.js";
import { addVerifyQueueOptions, verifyOnQueueFromFlags, type QueueFlags } from "./queue-options.js";

interface VerifyFlags extends NetworkFlags, WorkersFlags, Omit<QueueFlags, "unitDecisions"> {
  readonly property: string;
  readonly json?: boolean;
  readonly resultFile?: string;
  readonly timeout?: string;
  readonly certificate?: string;
  readonly shard?: string;
  readonly output?: string;
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

/** What a verdict is printed about: the network and property files, and what was read from them (absent when --timeout ran out while loading). */
export interface VerifyReportInput {
  readonly file: string;
  readonly property: string;
  readonly net?: Network;
  readonly problem?: VerificationProblem;
}

/** Print a verdict as `verify` does (and `merge` of verify parts): exit code, --result-file, --certificate, --json or text. */
export function reportVerify(ctx: CliContext, outcome: VerifyOutcome, input: VerifyReportInput, flags: Pick<VerifyFlags, "json" | "resultFile" | "certificate">, extra: Record<string, unknown> = {}): void {
  ctx.exitCode = VERIFY_EXIT[outcome.result];
  let certificate: string | null = null;
  let counterexample: { input: string[]; output: string[]; float32: { input: readonly number[]; output: readonly number[]; violates: boolean } } | null = null;
  let resultText: string;
  if (outcome.result === "violated") {
    // Re-check from scratch, in rationals, before anything is printed.
    if (!recheckCounterexample(input.net!, input.problem!, outcome.counterexample)) throw new InternalError("analysis/verify: a counterexample failed its exact re-check");
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
      ...extra,
      elapsedMs: outcome.stats.elapsedMs,
      stats: outcome.stats,
    });
  }
  const s = outcome.stats;
  const lines = [`result       ${outcome.result}`, `property     ${input.property}${input.problem ? ` (${input.problem.boxes.length} input box(es), ${input.problem.disjuncts.length} unsafe disjunct(s))` : " (not read to the end: --timeout ran out while loading)"}`];
  if (outcome.result === "holds") {
    const leaves = outcome.stats.leaves;
    lines.push(`certificate  ${flags.certificate ? `${flags.certificate} (${leaves} leaves; re-check with: tessera check ${flags.certificate} ${input.file} --property ${input.property})` : "not written (write one with --certificate FILE)"}`);
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
}

/** The flags that do not combine with --shard (a shard writes a part; the verdict comes from `tessera merge`). */
function checkShardFlags(flags: VerifyFlags): void {
  if (flags.output === undefined) throw new InputError("--shard", "", "needs -o PART: the file the shard's part is written to");
  const alone: [string, unknown][] = [["--certificate", flags.certificate], ["--result-file", flags.resultFile], ["--queue", flags.queue]];
  for (const [flag, value] of alone) {
    if (value !== undefined) throw new InputError(flag, "", "does not combine with --shard: a shard writes a part, and `tessera merge PART... --certificate FILE --result-file FILE` gives the verdict");
  }
  if (flags.workers !== undefined && parsePositiveInteger(flags.workers, "--workers") > 1) throw new InputError("--workers", "", "verify --shard runs its share of the tree in this thread (start more shards instead)");
}

/** `verify --shard i/N -o PART`: run the shard and write its part (exit 0 whatever it found: merge gives the verdict). */
function writeShard(ctx: CliContext, shard: { index: number; count: number }, loaded: { net: Network; problem: VerificationProblem } | undefined, out: { file: string; property: string; output: string; json: boolean }, options: VerifyOptions): void {
  if (!loaded) {
    ctx.io.stderr(`tessera: shard ${shard.index}/${shard.count}: --timeout ran out while loading; no part written\n`);
    ctx.exitCode = VERIFY_EXIT.unknown;
    return;
  }
  const { net, problem } = loaded;
  const part = verifyShard(net, problem, shard.index, shard.count, options);
  const settings = { split: options.split ?? (inputSize(net) > INPUT_SPLIT_MAX_DIMENSION ? "relu" : "input"), unitsPerShard: VERIFY_UNITS_PER_SHARD } as const;
  writeTextFile(out.output, JSON.stringify(verifyPartDoc(part, { net, problem, shard, files: { network: basename(out.file), property: basename(out.property) }, settings })) + "\n", "-o");
  const units = part.closed.length + part.open.length;
  const summary = { shard, part: out.output, result: part.result, complete: part.complete, units, closed: part.closed.length, ...(part.reason !== undefined ? { reason: part.reason } : {}), elapsedMs: part.stats.elapsedMs, nodes: part.stats.nodes };
  if (out.json) return printJson(ctx, summary);
  const found = part.result === "violated" ? "found a counterexample" : part.result === "holds" ? `closed its ${units} units` : `unknown (${part.reason ?? "stopped"})`;
  ctx.io.stderr(`tessera: shard ${shard.index}/${shard.count}: ${found}; part written to ${out.output}${part.complete ? "" : " (complete: false)"}; the verdict comes from \`tessera merge\`\n`);
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
    .option("--shard <i/N>", "run shard i of N (1 ≤ i ≤ N) of the branch and bound and write a part file with -o, for `tessera merge`")
    .option("-o, --output <file>", "with --shard: the part file to write")
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
        "  $ tessera verify net.onnx --property spec.vnnlib --queue redis://:PASSWORD@host:6379   (nodes on `tessera worker` processes)\n" +
        "  $ for i in 1 2 3 4; do tessera verify net.onnx --property spec.vnnlib --shard $i/4 -o part-$i.json; done\n" +
        "  $ tessera merge part-*.json --certificate cert.json   (the verdict of the 4 shards; exit codes as above)\n",
    );
  addWorkersOption(cmd);
  addVerifyQueueOptions(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: VerifyFlags) => {
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    if (shard) checkShardFlags(flags);
    else if (flags.output !== undefined) throw new InputError("-o", "", "is the part file of --shard; verify prints its verdict (use --json, --result-file or --certificate)");
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
    if (shard) return writeShard(ctx, shard, loaded, { file, property: flags.property, output: flags.output!, json: flags.json === true }, options);
    const outcome: VerifyOutcome = !loaded
      ? { result: "unknown", reason: "timeout", stats: { nodes: 0, leaves: 0, maxDepth: 0, searchPoints: 0, exactChecks: 0, cases: 0, elapsedMs: performance.now() - started } }
      : ((await verifyOnQueueFromFlags(ctx, flags, loaded.net, loaded.problem, options)) ??
        (workers > 1 ? await verifyOnThreads(loaded.net, loaded.problem, workers, options) : verify(loaded.net, loaded.problem, options)));
    reportVerify(ctx, outcome, { file, property: flags.property, ...(loaded ? loaded : {}) }, flags);
  });
  return cmd;
}
