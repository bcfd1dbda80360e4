// Running the region engine from a command: domain and limit flags resolved, SIGINT and SIGTERM turned into an
// orderly stop (the output still comes, marked complete: false), a progress bar on stderr only when stderr is a
// terminal, and the work after the search guarded so that its failure never loses the search's answer.
// Shared by `count` and `regions`.
import { InputError, errorLine } from "../errors.js";
import { EmptyDomainError } from "../regions/enumerate.js";
import { enumerate, type RunOptions, type RunResult } from "../regions/run.js";
import type { Region } from "../regions/types.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import type { CliContext } from "./context.js";

export interface RunSettings {
  readonly domain: DomainSpec;
  /** Where the domain came from, for error messages ("--box", the --domain file, ...). */
  readonly domainLabel: string;
  readonly maxRegions: number;
  readonly timeoutMs: number;
  readonly certify: boolean;
  readonly irredundant: boolean;
  readonly collectVertices: boolean;
  /** Keep certificates in the regions (region maps; default true); `count` verifies them without keeping them. */
  readonly keepCertificates?: boolean;
  readonly onRegion?: (region: Region) => void;
  /** Cheaper sinks for worker threads (regions/run.ts): a region's key, or its map entry. */
  readonly onRegionKey?: RunOptions["onRegionKey"];
  readonly onRegionJson?: RunOptions["onRegionJson"];
  /** Worker threads (cli/workers-option.ts); default 1. */
  readonly workers?: number;
  /** Work units, finished segments, checkpoints (shards and --resume). */
  readonly units?: RunOptions["units"];
  readonly segments?: RunOptions["segments"];
  readonly checkpoint?: RunOptions["checkpoint"];
  readonly retain?: boolean;
  /** Who runs the work units (--queue: `tessera worker` processes; default this process's threads). */
  readonly runner?: RunOptions["runner"];
}

/** Enumerate with SIGINT and SIGTERM handling and an optional progress bar. */
export async function runEnumeration(ctx: CliContext, net: Network, s: RunSettings): Promise<RunResult> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  // SIGTERM (a scheduler or `kill` stopping the run) as SIGINT: the output comes, marked complete: false, and
  // temporary files are removed; a second signal kills the process.
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);
  const tty = ctx.io.stderrIsTTY;
  try {
    const result = await enumerate(net, s.domain, {
      workers: s.workers ?? 1,
      ...(s.onRegionKey ? { onRegionKey: s.onRegionKey } : {}),
      ...(s.onRegionJson ? { onRegionJson: s.onRegionJson } : {}),
      ...(s.units ? { units: s.units } : {}),
      ...(s.segments ? { segments: s.segments } : {}),
      ...(s.checkpoint ? { checkpoint: s.checkpoint } : {}),
      ...(s.retain ? { retain: true } : {}),
      ...(s.runner ? { runner: s.runner } : {}),
      maxRegions: s.maxRegions,
      timeoutMs: s.timeoutMs,
      certify: s.certify,
      irredundant: s.irredundant,
      collectVertices: s.collectVertices,
      keepCertificates: s.keepCertificates ?? true,
      signal: controller.signal,
      ...(s.onRegion ? { onRegion: s.onRegion } : {}),
      ...(tty
        ? {
            onProgress: (p) => {
              const rate = p.elapsedMs > 0 ? Math.round((p.regions * 1000) / p.elapsedMs) : 0;
              const where = s.runner ? "queue" : (s.workers ?? 1) > 1 ? `${s.workers} workers` : `depth ${p.depth}/${p.neurons}`;
              ctx.io.stderr(`\r\x1b[Kregions ${p.regions}  ${rate}/s  ${where}  ${(p.elapsedMs / 1000).toFixed(1)}s`);
            },
          }
        : {}),
    });
    if (tty) ctx.io.stderr("\r\x1b[K");
    if (!result.complete) ctx.io.stderr(`tessera: stopped early (${result.status}) after ${result.regions} regions; the output says complete: false\n`);
    return result;
  } catch (error) {
    if (error instanceof EmptyDomainError) throw new InputError(s.domainLabel, "", "has an empty interior, so it contains no linear region");
    throw error;
  } finally {
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGTERM", onSigint);
  }
}

/**
 * The work after a search (counting linear pieces, writing the part file or the last checkpoint): a failure
 * there must not lose a long run's answer (a count of 21.5 M regions once crashed in its piece count and
 * printed nothing). The error is reported on stderr in one line and the exit code is 1; undefined is returned,
 * and the caller prints what the search found, marked complete: false when the failed step was part of the answer.
 */
export function afterSearch<T>(ctx: CliContext, what: string, work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    ctx.exitCode = 1;
    ctx.io.stderr(`tessera: ${what} failed after the search; what the search found is printed. ${errorLine(error)}\n`);
    return undefined;
  }
}
