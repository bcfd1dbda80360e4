// What the submitter of a queued run (submit.ts) and the `tessera worker` processes (worker.ts) share through
// Redis (docs/distributed.md): the BullMQ queue, the keys of a run, a unit's job, and the message a worker
// sends back. Nothing a worker sends is trusted: results are parsed and checked here, and a result must tile
// exactly the interval of the unit it answers (finished segments and open units, in tree order).
import { InputError } from "../errors.js";
import type { DomainJson } from "../formats/domain.js";
import { readSegment, type SegmentJson } from "../regions/part-file.js";
import type { UnitSettings } from "../regions/unit-runner.js";
import type { SerializedProblem } from "../analysis/certificate.js";
import type { OpenBranchJson } from "./branch-units.js";
import { comparePaths, pathKey, unitFromJson, type WorkUnit, type WorkUnitJson } from "../regions/work-unit.js";

/** BullMQ key prefix and queue name: jobs live under `tessera:units:*`. */
export const QUEUE_PREFIX = "tessera";
export const QUEUE_NAME = "units";

/** The keys of one run and of a stored network. */
export const runKey = (run: string): string => `${QUEUE_PREFIX}:run:${run}`;
export const resultsKey = (run: string): string => `${QUEUE_PREFIX}:run:${run}:results`;
export const networkKey = (sha: string): string => `${QUEUE_PREFIX}:net:${sha}`;
/** The runs using a stored network (it is deleted with the last of them). */
export const networkUsersKey = (sha: string): string => `${QUEUE_PREFIX}:net:${sha}:runs`;
/** The workers waiting for a unit (a sorted set: name → until when, ms of Redis's clock): a running unit splits while one waits and no unit does. */
export const idleKey = `${QUEUE_PREFIX}:idle`;
/** BullMQ's list of the queue's waiting jobs. */
export const waitingKey = `${QUEUE_PREFIX}:${QUEUE_NAME}:wait`;

/** Run ids: letters, digits, '-' and '_' (they become parts of Redis keys and BullMQ job ids). */
export const RUN_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** A unit's job id: run id and start path, so a unit enqueued twice is one job (BullMQ ignores a repeated id). */
export function jobId(run: string, start: readonly number[]): string {
  return `${run}_${start.length === 0 ? "root" : start.join(".")}`;
}

/** A verify unit's job id: run id, case and the node's path (`RUN_vCASE_PATH`). */
export function branchJobId(run: string, caseIndex: number, path: string): string {
  return `${run}_v${caseIndex}_${path === "" ? "root" : path}`;
}

/** What every unit of a run needs besides its interval (stored once at `runKey`). */
export interface RunInfo {
  readonly format: "tessera-queue-run";
  /** The tessera version of the submitter: workers of another version refuse the run's units. */
  readonly tessera: string;
  readonly workUnitVersion: number;
  readonly command: string;
  /** Canonical SHA-256 of the network, stored at networkKey(sha). */
  readonly network: string;
  readonly domain: DomainJson | null;
  readonly settings: UnitSettings;
  /** A unit that runs past this many seconds (or decisions) hands its open frontier back as new units. */
  readonly budget: { readonly seconds: number; readonly decisions: number | null };
}

/** What every unit of a `verify` run needs besides its node (stored once at `runKey`). */
export interface VerifyRunInfo {
  readonly format: "tessera-queue-run";
  readonly tessera: string;
  readonly workUnitVersion: number;
  readonly command: "verify";
  readonly network: string;
  readonly problem: SerializedProblem;
  /** VerifyOptions.split (null: the default for the input size). */
  readonly split: "input" | "relu" | null;
  readonly budget: { readonly seconds: number };
}

/** The data of a unit's job: an interval of the region tree, or a branch-and-bound node of one verify case. */
export interface UnitJob {
  readonly run: string;
  readonly tessera: string;
  readonly workUnitVersion: number;
  readonly unit?: WorkUnitJson;
  /** A verify unit: the node, its case's index in the run, and that case's input box and unsafe disjunct. */
  readonly branch?: { readonly case: number; readonly box: number; readonly disjunct: number; readonly node: OpenBranchJson };
}

/** A worker's answer for a unit: its finished segments and the units still open (together: the unit's interval). */
export type UnitResult =
  | { readonly ok: true; readonly start: number[]; readonly worker: string; readonly segments: SegmentJson[]; readonly open: WorkUnitJson[]; readonly cpuMs: number; readonly elapsedMs: number }
  | { readonly ok: false; readonly start: number[] | null; readonly worker: string; readonly error: string };

type Json = Record<string, unknown>;

/**
 * Parse a result message and check it answers `unit`: finished segments and open units that tile [start, end)
 * exactly, in tree order, without gap or overlap. Throws InputError naming the worker.
 */
export function readResult(text: string, unitOf: (start: readonly number[]) => WorkUnit | undefined, detail: UnitSettings["detail"]): { result: UnitResult; unit: WorkUnit | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("queue result", "", "is not JSON (a corrupted message)");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError("queue result", "", "is not an object");
  const o = json as Json;
  const worker = typeof o.worker === "string" ? o.worker : "an unnamed worker";
  const from = `result of ${worker}`;
  const start = Array.isArray(o.start) ? unitFromJson({ start: o.start }, from, "start").start : null;
  if (o.ok === false) return { result: { ok: false, start: start ? [...start] : null, worker, error: typeof o.error === "string" ? o.error : "(no message)" }, unit: start ? unitOf(start) : undefined };
  if (o.ok !== true || !start) throw new InputError(from, "", "is neither a result {ok: true, start, segments, open} nor an error {ok: false, error}");
  const unit = unitOf(start);
  if (!unit) return { result: { ok: true, start: [...start], worker, segments: [], open: [], cpuMs: 0, elapsedMs: 0 }, unit };
  if (!Array.isArray(o.segments) || !Array.isArray(o.open)) throw new InputError(from, "", "has no segments and open arrays");
  const segments = o.segments.map((s, i) => readSegment(s, detail, from, `segments[${i}]`));
  const open = o.open.map((u, i) => unitFromJson(u, from, `open[${i}]`));
  checkTiling(unit, [...segments.map((s) => ({ start: s.start, ...(s.end ? { end: s.end } : {}) })), ...open], from);
  const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return { result: { ok: true, start: [...start], worker, segments, open: open.map((u) => ({ start: [...u.start], end: u.end ? [...u.end] : null })), cpuMs: num(o.cpuMs), elapsedMs: num(o.elapsedMs) }, unit };
}

/** The intervals tile `unit` exactly (sorted by start: the first starts at its start, each ends where the next begins, the last ends at its end). */
export function checkTiling(unit: WorkUnit, parts: readonly WorkUnit[], from: string): void {
  const sorted = [...parts].sort((a, b) => comparePaths(a.start, b.start));
  let at: readonly number[] | undefined = unit.start;
  for (const p of sorted) {
    if (at === undefined || comparePaths(at, p.start) !== 0) throw new InputError(from, "", `does not tile work unit ${pathKey(unit.start)}: a part starts at ${pathKey(p.start)}, expected ${at ? pathKey(at) : "nothing after the end"}`);
    at = p.end;
  }
  const end = unit.end;
  if (sorted.length === 0 || (at === undefined) !== (end === undefined) || (at && end && comparePaths(at, end) !== 0)) {
    throw new InputError(from, "", `does not tile work unit ${pathKey(unit.start)}: its parts end at ${at ? pathKey(at) : "the end of the tree"}, the unit at ${end ? pathKey(end) : "the end of the tree"}`);
  }
}
