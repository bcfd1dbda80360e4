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
 * A result's regions travel in list entries of about this many bytes after the result itself (its segments
 * name how many regions each holds): the submitter then reads many small strings instead of one of several MB
 * (ioredis copied each large reply into a buffer three times its size, and a profile of `regions --ndjson`
 * showed the submitter's CPU in those copies, their decoding and the collection of the strings; a unit's
 * regions could also pass V8's limit of ~512 MB for one string).
 */
export const RESULT_CHUNK_BYTES = 1 << 16;

/** The list entries of a result: the result with `regionCount` in place of each segment's regions, then its regions in chunks (JSON arrays). */
export function resultEntries(message: UnitResult): string[] {
  if (!message.ok) return [JSON.stringify(message)];
  const chunks: string[] = [];
  let items: string[] = [];
  let bytes = 0;
  for (const s of message.segments) {
    for (const r of s.regions) {
      const text = JSON.stringify(r);
      if (items.length > 0 && bytes + text.length > RESULT_CHUNK_BYTES) {
        chunks.push(`[${items.join(",")}]`);
        items = [];
        bytes = 0;
      }
      items.push(text);
      bytes += text.length + 1;
    }
  }
  if (items.length > 0) chunks.push(`[${items.join(",")}]`);
  const segments = message.segments.map(({ regions, ...fields }) => ({ ...fields, regionCount: regions.length }));
  return [JSON.stringify({ ...message, segments, chunks: chunks.length }), ...chunks];
}

/** Parse a message of the results list (a result or an error); InputError when it is not a JSON object. */
export function parseMessage(text: string): Json {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("queue result", "", "is not JSON (a corrupted message)");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError("queue result", "", "is not an object");
  return json as Json;
}

/** How many chunk entries follow a message in the list (0 for errors and verify answers). */
export function chunkCount(message: Json): number {
  const n = message.chunks;
  if (n === undefined) return 0;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new InputError("queue result", "chunks", "is not a non-negative integer (a corrupted message)");
  return n;
}

/**
 * Read a result message (parseMessage) with the chunk entries that followed it, and check it answers `unit`:
 * finished segments and open units that tile [start, end) exactly, in tree order, without gap or overlap, and
 * every segment's regions there. Throws InputError naming the worker.
 */
export function readResult(o: Json, chunks: readonly string[], unitOf: (start: readonly number[]) => WorkUnit | undefined, detail: UnitSettings["detail"]): { result: UnitResult; unit: WorkUnit | undefined } {
  const worker = typeof o.worker === "string" ? o.worker : "an unnamed worker";
  const from = `result of ${worker}`;
  const start = Array.isArray(o.start) ? unitFromJson({ start: o.start }, from, "start").start : null;
  if (o.ok === false) return { result: { ok: false, start: start ? [...start] : null, worker, error: typeof o.error === "string" ? o.error : "(no message)" }, unit: start ? unitOf(start) : undefined };
  if (o.ok !== true || !start) throw new InputError(from, "", "is neither a result {ok: true, start, segments, open} nor an error {ok: false, error}");
  const unit = unitOf(start);
  if (!unit) return { result: { ok: true, start: [...start], worker, segments: [], open: [], cpuMs: 0, elapsedMs: 0 }, unit };
  if (!Array.isArray(o.segments) || !Array.isArray(o.open)) throw new InputError(from, "", "has no segments and open arrays");
  if (chunks.length !== chunkCount(o)) throw new InputError(from, "chunks", `announces ${chunkCount(o)} chunks of regions, ${chunks.length} followed it`);
  const items: unknown[] = [];
  chunks.forEach((c, i) => {
    let part: unknown;
    try {
      part = JSON.parse(c);
    } catch {
      throw new InputError(from, `chunk ${i}`, "is not JSON (a corrupted message)");
    }
    if (!Array.isArray(part)) throw new InputError(from, `chunk ${i}`, "is not an array of regions");
    for (const item of part) items.push(item);
  });
  let taken = 0;
  const segments = o.segments.map((s, i) => {
    const where = `segments[${i}]`;
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new InputError(from, where, "is not an object");
    const { regionCount, ...fields } = s as Json;
    if (typeof regionCount !== "number" || !Number.isSafeInteger(regionCount) || regionCount < 0) throw new InputError(from, `${where}.regionCount`, "is not a non-negative integer");
    if (taken + regionCount > items.length) throw new InputError(from, `${where}.regionCount`, `asks for more regions than the ${items.length} that followed the result`);
    const regions = items.slice(taken, taken + regionCount);
    taken += regionCount;
    return readSegment({ ...fields, regions }, detail, from, where);
  });
  if (taken !== items.length) throw new InputError(from, "chunks", `hold ${items.length} regions, its segments ${taken}`);
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
