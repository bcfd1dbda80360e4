// The queue flags of `count`, `regions`, `graph`, `bounds` and `verify` (docs/distributed.md): --queue URL (or
// TESSERA_QUEUE) sends the run's work units to `tessera worker` processes through Redis; --run-id names the
// run; --unit-seconds and --unit-decisions set the budget after which a unit splits; --check-parts verifies
// what comes back with the independent checker: every region, in tree order, as soon as the parts before it
// are in, or verify's holds certificate joined from the workers' trees before the verdict is printed.
import type { Command } from "commander";
import { InputError, type TesseraError } from "../errors.js";
import { RegionMapChecker } from "../check/region-map.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import { queueUrlFrom } from "../queue/url.js";
import type { QueueStats } from "../queue/submit.js";
import { regionMapFooter, regionMapHeader } from "../regions/region-map.js";
import type { RunOptions } from "../regions/run.js";
import type { EnumerationResult } from "../regions/enumerate.js";
import { isKey } from "../regions/unit-ledger.js";
import type { UnitSettings } from "../regions/unit-runner.js";
import type { CliContext } from "./context.js";
import { parsePositiveInteger, parsePositiveSeconds } from "./parse.js";
import { packageVersion } from "./version.js";
import { checkVerifyCertificate } from "../analysis/certificate-check.js";
import type { VerificationProblem } from "../analysis/problem.js";
import type { VerifyOptions, VerifyOutcome } from "../analysis/verify.js";

export interface QueueFlags {
  readonly queue?: string | true;
  readonly runId?: string;
  readonly unitSeconds?: string;
  readonly unitDecisions?: string;
  readonly checkParts?: boolean;
}

/** Default unit budget: long enough that the queue round trip (about a millisecond) is noise, short enough to balance. */
export const DEFAULT_UNIT_SECONDS = 1;

export function addQueueOptions(cmd: Command): Command {
  return cmd
    .option("--queue [url]", "run the work units on `tessera worker` processes through Redis: redis://[:password@]host:port[/db] or rediss:// (without a URL: $TESSERA_QUEUE)")
    .option("--run-id <id>", "with --queue: the run's id (letters, digits, - and _; default a random UUID)")
    .option("--unit-seconds <s>", `with --queue: a unit using more CPU seconds on its worker splits its open frontier into new units (default ${DEFAULT_UNIT_SECONDS})`)
    .option("--unit-decisions <n>", "with --queue: a unit making more decisions splits (default: no decision budget)")
    .option("--check-parts", "with --queue: workers return every region with its certificates; each is verified here, exactly, as it arrives");
}

/** What a queued run adds to a command: its runner, and what to do when the run is over. */
export interface QueuePlan {
  readonly runner: NonNullable<RunOptions["runner"]>;
  /** The settings the workers use (--check-parts: full region map entries with certificates). */
  readonly settings: UnitSettings;
  /** After the run: finish the check, report a failure (exit code 1), print where the work went. */
  finish(result: EnumerationResult): void;
}

/** The queue plan of these flags, or undefined when the run is local. Connects to Redis (an error within 5 s). */
export async function planQueue(ctx: CliContext, flags: QueueFlags, input: { command: string; net: Network; file: string; domain: DomainSpec; settings: UnitSettings; unitsNeeded: boolean }): Promise<QueuePlan | undefined> {
  const source = queueUrlFrom(flags.queue);
  const wantsQueue = flags.queue !== undefined || flags.runId !== undefined || flags.checkParts || flags.unitSeconds !== undefined || flags.unitDecisions !== undefined;
  if (!wantsQueue) return undefined;
  if (!source) throw new InputError("--queue", "", flags.queue === true ? "has no URL and TESSERA_QUEUE is not set" : "is needed for --run-id, --unit-seconds, --unit-decisions and --check-parts");
  if (input.unitsNeeded) throw new InputError("--queue", "", "cannot be combined with --shard, --checkpoint or --resume (the queue keeps the run's state in Redis)");
  const seconds = flags.unitSeconds !== undefined ? parsePositiveSeconds(flags.unitSeconds, "--unit-seconds") : DEFAULT_UNIT_SECONDS;
  const decisions = flags.unitDecisions !== undefined ? parsePositiveInteger(flags.unitDecisions, "--unit-decisions") : null;
  // BullMQ and ioredis are loaded only for a queued run (they cost every other command about 0.2 s of start-up).
  const [{ connectRedis }, { queueRunner }] = await Promise.all([import("../queue/connection.js"), import("../queue/submit.js")]);
  const client = await connectRedis(source.url, source.from);
  ctx.exitWhenDone = true;
  const settings: UnitSettings = flags.checkParts ? { ...input.settings, irredundant: true, keepCertificates: true, detail: "json" } : input.settings;
  let checker: RegionMapChecker | undefined;
  if (flags.checkParts) {
    if (!settings.certify) throw new InputError("--check-parts", "", "needs certificates: it cannot be combined with --no-certify");
    checker = new RegionMapChecker({ ...regionMapHeader(input.net, input.domain, input.file) }, input.net, input.file);
  }
  let failure: TesseraError | undefined;
  let stats: QueueStats | undefined;
  let checked = 0;
  let checkMs = 0;
  const runner = queueRunner(client, {
    url: source.url,
    from: source.from,
    ...(flags.runId !== undefined ? { runId: flags.runId } : {}),
    version: packageVersion(),
    command: input.command,
    budget: { seconds, decisions },
    ...(checker
      ? {
          check: (item, id) => {
            if (isKey(item)) return;
            const t = performance.now();
            checker!.region({ ...item }, id);
            checked++;
            checkMs += performance.now() - t;
          },
        }
      : {}),
    onFailure: (error) => (failure = error),
    onStats: (s) => (stats = s),
  });
  return {
    settings,
    runner: async (net, domain, options) => {
      try {
        return await runner(net, domain, { ...options, settings });
      } finally {
        client.disconnect();
      }
    },
    finish: (result) => {
      if (checker && result.complete) {
        const t = performance.now();
        const report = checker.finish({ ...regionMapFooter(result) });
        checkMs += performance.now() - t;
        ctx.io.stderr(`tessera: --check-parts: ${report.message} (${(checkMs / 1000).toFixed(3)} s of checking)\n`);
      } else if (checker) ctx.io.stderr(`tessera: --check-parts: ${checked} regions verified before the run stopped, completeness not claimed (${(checkMs / 1000).toFixed(3)} s of checking)\n`);
      if (stats) ctx.io.stderr(`tessera: queue run ${stats.runId}: ${stats.units} units on ${stats.workers.length} worker${stats.workers.length === 1 ? "" : "s"}${stats.duplicates ? `, ${stats.duplicates} answers of units run twice ignored` : ""}\n`);
      if (failure) {
        ctx.io.stderr(`tessera: error: ${failure.message}\n`);
        ctx.exitCode = 1;
      }
    },
  };
}

/** The queue flags of `verify` (no decision budget: a verify unit's budget is CPU seconds). */
export function addVerifyQueueOptions(cmd: Command): Command {
  return cmd
    .option("--queue [url]", "run the branch-and-bound nodes on `tessera worker` processes through Redis: redis://[:password@]host:port[/db] or rediss:// (without a URL: $TESSERA_QUEUE)")
    .option("--run-id <id>", "with --queue: the run's id (letters, digits, - and _; default a random UUID)")
    .option("--unit-seconds <s>", `with --queue: a unit using more CPU seconds on its worker hands its open nodes back as new units (default ${DEFAULT_UNIT_SECONDS})`)
    .option("--check-parts", "with --queue: check the holds certificate joined from the workers' trees with the independent checker before answering");
}

/**
 * Verify on the queue when the flags ask for it (else undefined). With --check-parts a holds answer is given only
 * after its certificate, joined from what the workers sent, passed the checker of `tessera check`.
 */
export async function verifyOnQueueFromFlags(ctx: CliContext, flags: Omit<QueueFlags, "unitDecisions">, net: Network, problem: VerificationProblem, options: VerifyOptions): Promise<VerifyOutcome | undefined> {
  const source = queueUrlFrom(flags.queue);
  const wantsQueue = flags.queue !== undefined || flags.runId !== undefined || flags.checkParts || flags.unitSeconds !== undefined;
  if (!wantsQueue) return undefined;
  if (!source) throw new InputError("--queue", "", flags.queue === true ? "has no URL and TESSERA_QUEUE is not set" : "is needed for --run-id, --unit-seconds and --check-parts");
  const unitSeconds = flags.unitSeconds !== undefined ? parsePositiveSeconds(flags.unitSeconds, "--unit-seconds") : DEFAULT_UNIT_SECONDS;
  const [{ connectRedis }, { verifyOnQueue }] = await Promise.all([import("../queue/connection.js"), import("../queue/submit-verify.js")]);
  const client = await connectRedis(source.url, source.from);
  ctx.exitWhenDone = true;
  let outcome: VerifyOutcome;
  let stats: { runId: string; units: number; workers: string[]; duplicates: number } | undefined;
  // SIGINT cancels the run (its units and keys are removed): the answer is unknown, "interrupted".
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    outcome = await verifyOnQueue(
      client,
      net,
      problem,
      { url: source.url, from: source.from, ...(flags.runId !== undefined ? { runId: flags.runId } : {}), version: packageVersion(), unitSeconds, signal: interrupt.signal, onStats: (s) => (stats = s) },
      { ...options, certificate: options.certificate === true || flags.checkParts === true },
    );
  } finally {
    process.removeListener("SIGINT", onSigint);
    client.disconnect();
    if (stats) ctx.io.stderr(`tessera: queue run ${stats.runId}: ${stats.units} units on ${stats.workers.length} worker${stats.workers.length === 1 ? "" : "s"}${stats.duplicates ? `, ${stats.duplicates} answers of units run twice ignored` : ""}\n`);
  }
  if (flags.checkParts && outcome.result === "holds" && outcome.certificate) {
    const t = performance.now();
    const doc = JSON.parse(JSON.stringify(outcome.certificate)) as Record<string, unknown>;
    const report = checkVerifyCertificate(net, problem, { kind: "json", doc }, "the certificate joined from the workers");
    ctx.io.stderr(`tessera: --check-parts: the holds certificate joined from the workers verified (${report.leaves} leaves, ${((performance.now() - t) / 1000).toFixed(3)} s of checking)\n`);
  }
  return outcome;
}
