// Part files and checkpoints (docs/formats/part.md, docs/schema/part.schema.json): a shard's result or a run's
// saved state as one JSON document — which network (its canonical hash, and the network itself so that
// `tessera merge` needs no other file), which domain and engine settings, which work units were asked for,
// the finished segments with their regions, and the units still open. `tessera merge` joins parts into one
// run's answer (unit-ledger.ts); `--resume` continues a checkpoint.
import { constants } from "node:buffer";
import { InputError } from "../errors.js";
import { readFileBytes } from "../formats/load.js";
import type { DomainJson } from "../formats/domain.js";
import type { RegionJson } from "./region-map.js";
import type { Segment } from "./unit-ledger.js";
import type { RegionKey, UnitItem, UnitSettings } from "./unit-runner.js";
import { WORK_UNIT_VERSION, comparePaths, unitFromJson, unitToJson, type WorkUnit, type WorkUnitJson } from "./work-unit.js";

export const PART_FORMAT = "tessera-part";
export const CHECKPOINT_FORMAT = "tessera-checkpoint";
export const PART_VERSION = 1;

/** The commands whose runs can be sharded: count and regions, and the analyses built on the region enumeration. */
export const PART_COMMANDS = ["count", "regions", "bounds", "lipschitz", "neurons", "graph", "jumps"] as const;
export type PartCommand = (typeof PART_COMMANDS)[number];

export interface SegmentJson {
  start: number[];
  end: number[] | null;
  decisions: number;
  splits: number;
  /** Local box id → the tree position of the node where the box was made (work-unit.ts, pathKey). */
  boxes: [number, string][];
  /** Region keys (count) or region map entries with local ids (regions), in tree order. */
  regions: UnitItem[];
}

export interface PartDoc {
  format: typeof PART_FORMAT | typeof CHECKPOINT_FORMAT;
  version: typeof PART_VERSION;
  workUnitVersion: number;
  /** The tessera version that wrote it (parts of different versions are not merged). */
  tessera: string;
  command: PartCommand;
  shard?: { index: number; count: number };
  /** The command's own flags that change its answer (lipschitz: norm), for `tessera merge`. */
  options?: Record<string, string>;
  network: { sha256: string; inputs: number; outputs: number; file?: string };
  /** The network itself (tessera network JSON), so that merge can count linear pieces and write the map. */
  networkJson: object;
  domain: DomainJson;
  settings: UnitSettings;
  complete: boolean;
  status: string;
  /** The work units this part was asked for (a shard's share of the cut; the root for a checkpoint). */
  units: WorkUnitJson[];
  open: WorkUnitJson[];
  segments: SegmentJson[];
  stats: { workers: number; units: number; donations: number; elapsedMs: number };
}

export function segmentToJson(s: Segment): SegmentJson {
  return { start: [...s.start], end: s.end ? [...s.end] : null, decisions: s.decisions, splits: s.splits, boxes: [...s.boxes], regions: s.items };
}

type Json = Record<string, unknown>;

function fail(file: string, where: string, what: string): never {
  throw new InputError(file, where, what);
}

function nat(v: unknown, file: string, where: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(file, where, `${JSON.stringify(v)} is not an integer ≥ 0`);
  return v as number;
}

function obj(v: unknown, file: string, where: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(file, where, "is not an object");
  return v as Json;
}

function arr(v: unknown, file: string, where: string): unknown[] {
  if (!Array.isArray(v)) fail(file, where, "is not an array");
  return v;
}

function str(v: unknown, file: string, where: string): string {
  if (typeof v !== "string") fail(file, where, "is not a string");
  return v;
}

function readItem(v: unknown, detail: UnitSettings["detail"], file: string, where: string): UnitItem {
  const o = obj(v, file, where);
  if (detail === "key") return { pattern: str(o.pattern, file, `${where}.pattern`), digest: str(o.digest, file, `${where}.digest`) } satisfies RegionKey;
  nat(o.id, file, `${where}.id`);
  str(o.pattern, file, `${where}.pattern`);
  obj(o.map, file, `${where}.map`);
  arr(o.witness, file, `${where}.witness`);
  arr(o.constraints, file, `${where}.constraints`);
  // The region itself is checked exactly by `tessera check` on the merged map.
  const region: unknown = o;
  return region as RegionJson;
}

/**
 * A part or checkpoint document as JSON text in pieces, never one string of the whole document (V8 caps a
 * string at about 512 MB, which the regions of a long run pass): the fields, then each segment with its regions
 * `chunk` at a time. The pieces joined are the document's JSON.
 */
export function* partJsonChunks(doc: PartDoc, chunk = 4096): Generator<string> {
  const { segments, ...head } = doc;
  yield JSON.stringify(head).slice(0, -1) + ',"segments":[';
  for (let i = 0; i < segments.length; i++) {
    const { regions, ...fields } = segments[i]!;
    yield (i > 0 ? "," : "") + JSON.stringify(fields).slice(0, -1) + ',"regions":[';
    for (let k = 0; k < regions.length; k += chunk) yield (k > 0 ? "," : "") + regions.slice(k, k + chunk).map((r) => JSON.stringify(r)).join(",");
    yield "]}";
  }
  yield "]}\n";
}

/**
 * A part or checkpoint file's text. It is read as one JSON document, so a file beyond the longest string this
 * JavaScript engine makes (V8: about 512 MB; `limit` lets tests use a small one) is refused in one line instead
 * of failing inside the decoder. (Written streamed, such a file can be made; more shards make smaller parts.)
 */
export function readPartFile(file: string, limit: number = constants.MAX_STRING_LENGTH): string {
  const bytes = readFileBytes(file);
  const tooLong = (): never => fail(file, "", `is ${(bytes.length / 2 ** 20).toFixed(1)} MB, more than one JSON document can hold here (${(limit / 2 ** 20).toFixed(1)} MB, the engine's longest string): run more shards, or checkpoint a smaller run`);
  if (bytes.length > limit) tooLong();
  try {
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (error instanceof RangeError) tooLong();
    throw error;
  }
}

/** The JSON of a part file (any command's), or a one-line error for a truncated or corrupted file. */
export function parsePartText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    fail(file, "", `is not a complete JSON document (${(error as Error).message}); a part cut short cannot be merged`);
  }
}

/** Parse and check a part or checkpoint document; every error names the file and the JSON path. */
export function readPart(text: string, file: string, format: PartDoc["format"]): PartDoc {
  return readPartJson(parsePartText(text, file), file, format);
}

/** The same from the parsed JSON. */
export function readPartJson(json: unknown, file: string, format: PartDoc["format"]): PartDoc {
  const doc = obj(json, file, "(document)");
  if (doc.format !== format) fail(file, "format", `${JSON.stringify(doc.format)} is not "${format}"`);
  if (doc.version !== PART_VERSION) fail(file, "version", `${JSON.stringify(doc.version)} is not a version this tessera reads (${PART_VERSION})`);
  if (doc.workUnitVersion !== WORK_UNIT_VERSION) fail(file, "workUnitVersion", `${JSON.stringify(doc.workUnitVersion)} is not the work-unit format of this tessera (${WORK_UNIT_VERSION})`);
  str(doc.tessera, file, "tessera");
  if (!(PART_COMMANDS as readonly unknown[]).includes(doc.command)) fail(file, "command", `${JSON.stringify(doc.command)} is not a command with --shard (${PART_COMMANDS.join(", ")})`);
  if (doc.options !== undefined) {
    const options = obj(doc.options, file, "options");
    for (const [k, v] of Object.entries(options)) str(v, file, `options.${k}`);
  }
  if (doc.shard !== undefined) {
    const shard = obj(doc.shard, file, "shard");
    const count = nat(shard.count, file, "shard.count");
    const index = nat(shard.index, file, "shard.index");
    if (count < 1 || index < 1 || index > count) fail(file, "shard", `${index}/${count} is not a shard i/N with 1 ≤ i ≤ N`);
  }
  const network = obj(doc.network, file, "network");
  str(network.sha256, file, "network.sha256");
  obj(doc.networkJson, file, "networkJson");
  obj(doc.domain, file, "domain");
  const settings = obj(doc.settings, file, "settings");
  for (const k of ["certify", "irredundant", "keepCertificates", "collectVertices"]) if (typeof settings[k] !== "boolean") fail(file, `settings.${k}`, "is not true or false");
  if (settings.detail !== "key" && settings.detail !== "json") fail(file, "settings.detail", `${JSON.stringify(settings.detail)} is not key or json`);
  const detail = settings.detail;
  if (typeof doc.complete !== "boolean") fail(file, "complete", "is not true or false");
  str(doc.status, file, "status");
  const units = arr(doc.units, file, "units").map((u, i) => unitToJson(unitFromJson(u, file, `units[${i}]`)));
  const open = arr(doc.open, file, "open").map((u, i) => unitToJson(unitFromJson(u, file, `open[${i}]`)));
  const segments = arr(doc.segments, file, "segments").map((v, i) => readSegment(v, detail, file, `segments[${i}]`));
  // A region appears once in a run: a repeated pattern (a corrupted or edited file) is refused here.
  const patterns = new LargeStringSet();
  segments.forEach((s, i) =>
    s.regions.forEach((r, k) => {
      if (patterns.has(r.pattern)) fail(file, `segments[${i}].regions[${k}].pattern`, `${r.pattern} is listed twice; a region appears once in a run`);
      patterns.add(r.pattern);
    }),
  );
  if (doc.complete !== (open.length === 0)) fail(file, "complete", `is ${String(doc.complete)} but ${open.length} units are open`);
  obj(doc.stats, file, "stats");
  const checked: unknown = doc;
  return { ...(checked as PartDoc), units, open, segments };
}

/**
 * A set of strings of any size: JavaScript's Set holds at most 2^24 entries (a part of a count of 21.5 M regions
 * would pass it), so the strings go into Sets of at most `limit` entries each (tests use a small one).
 */
export class LargeStringSet {
  private readonly sets = [new Set<string>()];
  constructor(private readonly limit = 2 ** 23) {}

  get size(): number {
    return this.sets.reduce((n, s) => n + s.size, 0);
  }

  /** How many Sets hold the strings. */
  get parts(): number {
    return this.sets.length;
  }

  has(value: string): boolean {
    return this.sets.some((s) => s.has(value));
  }

  add(value: string): void {
    if (this.has(value)) return;
    let last = this.sets[this.sets.length - 1]!;
    if (last.size >= this.limit) this.sets.push((last = new Set()));
    last.add(value);
  }
}

/** Parse and check one segment's JSON (of a part, a checkpoint or a queue result); errors name `file` and `where`. */
export function readSegment(v: unknown, detail: UnitSettings["detail"], file: string, where: string): SegmentJson {
  const s = obj(v, file, where);
  const unit = unitFromJson({ start: s.start, end: s.end }, file, where);
  return {
    ...unitToJson(unit),
    decisions: nat(s.decisions, file, `${where}.decisions`),
    splits: nat(s.splits, file, `${where}.splits`),
    boxes: arr(s.boxes, file, `${where}.boxes`).map((b, k) => {
      const pair = arr(b, file, `${where}.boxes[${k}]`);
      return [nat(pair[0], file, `${where}.boxes[${k}][0]`), str(pair[1], file, `${where}.boxes[${k}][1]`)] as [number, string];
    }),
    regions: arr(s.regions, file, `${where}.regions`).map((r, k) => readItem(r, detail, file, `${where}.regions[${k}]`)),
  };
}

export function segmentFromJson(s: SegmentJson): Segment {
  return { start: s.start, ...(s.end ? { end: s.end } : {}), items: s.regions, boxes: new Map(s.boxes), decisions: s.decisions, splits: s.splits };
}

/**
 * Check that intervals (segments and open units) of one run tile the whole tree in tree order: the first
 * starts at the root, each ends where the next starts, the last runs to the end. Returns the gaps (missing
 * intervals) as units; throws on an overlap.
 */
export function gapsIn(intervals: readonly WorkUnit[], file: string): WorkUnit[] {
  const sorted = [...intervals].sort((a, b) => comparePaths(a.start, b.start));
  const gaps: WorkUnit[] = [];
  let at: readonly number[] | undefined = [];
  for (const u of sorted) {
    if (at === undefined) fail(file, "", `work unit ${u.start.join(".") || "/"} lies after the end of the tree: the parts overlap`);
    const c = comparePaths(at, u.start);
    if (c > 0) fail(file, "", `work unit ${u.start.join(".") || "/"} overlaps the one before it: the parts overlap (a shard given twice?)`);
    if (c < 0) gaps.push({ start: at, end: u.start });
    at = u.end;
  }
  if (at !== undefined) gaps.push({ start: at });
  return gaps;
}
