// The bookkeeping of a run made of work units (threads, shards, checkpoints): which intervals of the split
// tree are finished, running or still open, the regions each produced, and the one canonical answer they
// join into: regions in depth-first tree order with ids 0, 1, 2, ... and bounding boxes renumbered in order
// of appearance (their ids then equal a one-thread run's, so a joined map is byte-identical and passes
// `tessera check`). Regions are emitted in tree order as soon as every interval before them is finished.
// Regions that must wait for an earlier interval are held under one budget for the whole ledger (unless kept
// for a part file or checkpoint): when more than `budget` wait in memory, every waiting interval's regions go
// to its temporary file (read back in order when it reaches the front), so a long NDJSON run on threads holds
// a bounded number of regions however many intervals wait. Box ids are bounded too: a box made at a node is
// named only by regions below that node, which come in one block of the tree order, so once the emitted regions
// have left that block its name is forgotten (BoxNumbering): memory does not grow with the number of boxes.
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RegionJson } from "./region-map.js";
import type { RegionKey, UnitItem } from "./unit-runner.js";
import { comparePaths, pathKey, type WorkUnit } from "./work-unit.js";
import { parsePattern } from "../network/evaluate.js";
import { readLines } from "../formats/load.js";
import { invariant } from "../errors.js";
import type { EnumerationStatus } from "./types.js";

/** A finished interval [start, end) and what it produced (also the form stored in part and checkpoint files). */
export interface Segment {
  readonly start: readonly number[];
  readonly end?: readonly number[];
  readonly items: UnitItem[];
  /** Local box id → tree position of the node where the box was made. */
  readonly boxes: Map<number, string>;
  decisions: number;
  splits: number;
}

/**
 * The default memory budget of a run on threads, in regions held between the threads and the output (in
 * flight and waiting in the ledger; regions/pool.ts): keys (a pattern and a digest, ~100 bytes) and region
 * map entries (several KB as objects). Small enough that waiting entries die young in V8's heap instead of
 * filling the old generation with garbage (measured: docs/performance.md, "Memory of `regions --ndjson`").
 */
export const HELD_REGIONS = Object.freeze({ key: 16384, json: 256 });

/** An entry's waiting items on disk (JSON lines), read back in order when the entry reaches the front. */
interface Spill {
  readonly path: string;
  readonly fd: number;
  /** Items written and not read back yet. */
  count: number;
}

interface Entry extends Segment {
  end?: readonly number[];
  finished: boolean;
  /** Items on disk, before every item of `items` that is not emitted yet. */
  spill?: Spill;
  /** Items already emitted (only the front entry emits). */
  emitted: number;
  /** Local box names above which forgetting is tried again (unset: BOX_PRUNE_AT). */
  boxPruneAt?: number;
  /** The latest cursor: items before it, and the node where the rest starts. */
  cursor?: { path: number[]; items: number; decisions: number; splits: number };
}

/** Counts and the open frontier of a snapshot (checkpoints) or of a stopped run. */
export interface LedgerSnapshot {
  readonly segments: Segment[];
  readonly open: WorkUnit[];
}

/** True for a key item (count), false for a region map entry. */
/** What a finished or stopped run reports from its ledger (UnitLedger.totals). */
export interface LedgerTotals {
  readonly status: EnumerationStatus;
  readonly complete: boolean;
  readonly regions: number;
  readonly decisions: number;
  readonly splits: number;
  readonly snapshot: LedgerSnapshot;
}

export function isKey(item: UnitItem): item is RegionKey {
  return "digest" in item;
}

export class UnitLedger {
  /** Entries sorted by start (disjoint intervals). */
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<number, Entry>();
  private nextRegionId = 0;
  private readonly boxIds = new BoxNumbering();
  private spillDir: string | undefined;
  private spills = 0;
  regions = 0;
  /** Items in memory that are not emitted yet (not counting retained ones), and its highest value after a batch. */
  private held = 0;
  peakHeld = 0;
  /** The most box names held at once (the canonical ids, and the local names of the unit that sent a batch). */
  peakBoxNames = 0;
  /** How many times names were scanned to forget some (amortised: a few per doubling, not one per region). */
  boxPrunes = 0;

  /**
   * `emit` receives every region in tree order with its final id (box ids already renumbered in JSON items).
   * `retain` keeps emitted items (needed for snapshots: part files and checkpoints); without it, when more
   * than `budget` items wait in memory, all waiting items go to temporary files.
   */
  constructor(
    private readonly emit: (item: UnitItem, id: number) => void,
    private readonly retain: boolean,
    private readonly budget: number = HELD_REGIONS.json,
  ) {}

  /** A unit that will run (or a finished segment read from a file, with finished = true). Call flush() after the first ones. */
  add(id: number, unit: WorkUnit, finished?: Segment): void {
    const entry: Entry = {
      start: unit.start,
      ...(unit.end ? { end: unit.end } : {}),
      items: finished ? finished.items : [],
      boxes: finished ? finished.boxes : new Map(),
      decisions: finished?.decisions ?? 0,
      splits: finished?.splits ?? 0,
      finished: Boolean(finished),
      emitted: 0,
    };
    if (finished) {
      this.regions += finished.items.length;
      this.held += finished.items.length;
    }
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePaths(this.entries[mid]!.start, unit.start) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
    this.byId.set(id, entry);
  }

  /** Unit `donor` gave away the rest of its interval as unit `id`. */
  donated(donor: number, id: number, given: WorkUnit): void {
    this.byId.get(donor)!.end = given.start;
    this.add(id, given);
  }

  items(id: number, items: readonly UnitItem[], boxes: readonly (readonly [number, string])[]): void {
    const entry = this.byId.get(id)!;
    for (const [box, key] of boxes) entry.boxes.set(box, key);
    for (const item of items) entry.items.push(item);
    this.regions += items.length;
    this.held += items.length;
    this.flush();
    if (!this.retain && this.held > this.budget) for (const e of this.entries) if (e.items.length > e.emitted) this.spillOut(e);
    this.peakHeld = Math.max(this.peakHeld, this.held);
    this.peakBoxNames = Math.max(this.peakBoxNames, this.boxIds.size + entry.boxes.size);
  }

  /** Write an entry's waiting items to its temporary file (appended after those already there). */
  private spillOut(entry: Entry): void {
    if (this.spillDir === undefined) {
      removeStaleSpillFolders();
      this.spillDir = mkdtempSync(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
    }
    if (!entry.spill) {
      const path = join(this.spillDir, `${this.spills++}.ndjson`);
      entry.spill = { path, fd: openSync(path, "w+"), count: 0 };
    }
    const waiting = entry.items.slice(entry.emitted);
    writeSync(entry.spill.fd, waiting.map((item) => JSON.stringify(item)).join("\n") + "\n");
    entry.spill.count += waiting.length;
    this.held -= waiting.length;
    entry.items.length = 0;
    entry.emitted = 0;
  }

  /**
   * Emit an entry's items on disk, in order, and remove its file. Read in small chunks (READ_BACK_CHUNK): each
   * region read back is parsed, renumbered and written again, and what one chunk allocates must die young
   * (a 1 MiB chunk's text and lines outlived several scavenges, went to the old generation and grew the heap by
   * tens of MB while half the map was read back: docs/performance.md, "Memory of `regions --ndjson`").
   */
  private spillIn(entry: Entry): void {
    const spill = entry.spill!;
    closeSync(spill.fd);
    delete entry.spill;
    for (const line of readLines(spill.path, Infinity, READ_BACK_CHUNK)) this.emitItem(entry, JSON.parse(line) as UnitItem);
    rmSync(spill.path, { force: true });
  }

  /** Remove the temporary files (a run that failed, or one that ended). */
  dispose(): void {
    for (const e of this.entries) if (e.spill) closeSync(e.spill.fd);
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
    this.spillDir = undefined;
  }

  cursor(id: number, path: number[], decisions: number, splits: number): void {
    const entry = this.byId.get(id)!;
    entry.cursor = { path, items: entry.items.length, decisions, splits };
  }

  /** The unit ended. A stopped unit gives `rest`: its interval is cut there and the rest becomes open unit `rest.id`. */
  finish(id: number, decisions: number, splits: number, rest?: { readonly id: number; readonly start: readonly number[] }): void {
    const entry = this.byId.get(id)!;
    entry.decisions = decisions;
    entry.splits = splits;
    entry.finished = true;
    if (rest) {
      const end = entry.end;
      entry.end = rest.start;
      this.add(rest.id, { start: rest.start, ...(end ? { end } : {}) });
    }
    this.flush();
  }

  /**
   * Unit `id` came back whole from another process (a queue worker): finished segments and open units, which
   * tile its interval, replace it (the caller checked the tiling). Each part gets a fresh id.
   */
  replace(id: number, parts: readonly { readonly id: number; readonly unit: WorkUnit; readonly finished?: Segment }[]): void {
    const entry = this.byId.get(id)!;
    this.held -= entry.items.length - entry.emitted;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.byId.delete(id);
    for (const part of parts) this.add(part.id, part.unit, part.finished);
    this.flush();
  }

  /** A stopped run: emit every region held, in tree order, across the intervals left open. */
  drain(): void {
    for (const e of this.entries) this.emitWaiting(e);
    this.dispose();
  }

  /**
   * A stopped run's totals: every held region emitted (drain), the snapshot, and its status: complete only when
   * no interval is left open and the run did not fail; otherwise the reason it stopped (interrupted by default).
   */
  totals(stopReason: EnumerationStatus | undefined, failed = false): LedgerTotals {
    this.drain();
    const snapshot = this.snapshot();
    const complete = snapshot.open.length === 0 && !failed;
    return { status: complete ? "complete" : (stopReason ?? "interrupted"), complete, regions: this.regions, decisions: this.decisions, splits: this.splits, snapshot };
  }

  get decisions(): number {
    return this.entries.reduce((s, e) => s + e.decisions, 0);
  }

  get splits(): number {
    return this.entries.reduce((s, e) => s + e.splits, 0);
  }

  /** Finished segments as they stand (with their items), and the open frontier: running units from their latest cursor, queued ones whole. */
  snapshot(): LedgerSnapshot {
    const segments: Segment[] = [];
    const open: WorkUnit[] = [];
    for (const e of this.entries) {
      const end = e.end ? { end: e.end } : {};
      if (e.finished) segments.push({ start: e.start, ...end, items: e.items, boxes: e.boxes, decisions: e.decisions, splits: e.splits });
      else if (e.cursor) {
        segments.push({ start: e.start, end: e.cursor.path, items: e.items.slice(0, e.cursor.items), boxes: e.boxes, decisions: e.cursor.decisions, splits: e.cursor.splits });
        open.push({ start: e.cursor.path, ...end });
      } else open.push({ start: e.start, ...end });
    }
    return { segments, open };
  }

  /** Emit what can be emitted in tree order: the front entries' items, while every entry before them is finished. */
  flush(): void {
    for (const e of this.entries) {
      this.emitWaiting(e);
      if (!e.finished) return;
    }
  }

  /** Emit an entry's waiting items: those on disk first, then those in memory. */
  private emitWaiting(e: Entry): void {
    if (e.spill) this.spillIn(e);
    this.held -= e.items.length - e.emitted;
    while (e.emitted < e.items.length) this.emitItem(e, e.items[e.emitted++]!);
    // Emitted items are not needed again unless kept for a part file or checkpoint.
    if (!this.retain) {
      e.items.length = 0;
      e.emitted = 0;
    }
  }

  private emitItem(e: Entry, item: UnitItem): void {
    const id = this.nextRegionId++;
    if (isKey(item)) return this.emit(item, id);
    const region = renumber(item, id, e.boxes, this.boxIds);
    // The regions after this one lie at or after its node: boxes of nodes before it and not above it are done.
    // Tried again only once the names have doubled since the last try, so a unit whose boxes are mostly ahead
    // of the output (regions read back from disk) costs amortised O(1) per region, not a scan per region.
    const localDue = !this.retain && e.boxes.size > (e.boxPruneAt ?? BOX_PRUNE_AT);
    if (item.splits && (this.boxIds.size > this.boxIds.pruneAt || localDue)) {
      const path = parsePattern(item.pattern).flat();
      this.boxIds.forgetBefore(path);
      // A part file or checkpoint writes each segment's boxes: those stay.
      if (!this.retain) {
        forgetLocalBefore(e.boxes, path);
        e.boxPruneAt = 2 * e.boxes.size + BOX_PRUNE_AT;
      }
      this.boxPrunes++;
    }
    this.emit(region, id);
  }
}

/** Bytes read at a time when waiting regions come back from disk (under V8's 128 KiB large-object size). */
const READ_BACK_CHUNK = 1 << 16;

/** Names kept before forgetting is tried (then again at twice what is left, plus this). */
const BOX_PRUNE_AT = 256;

/** True when node `a` (a path key) is `b` or above it. */
function isAncestorKey(a: string, b: string): boolean {
  return a === "/" || a === b || (b.startsWith(a) && b.charCodeAt(a.length) === 46);
}

/** The path of a path key (work-unit.ts, pathKey). */
const keyPath = (key: string): number[] => (key === "/" ? [] : key.split(".").map(Number));

/** Forget the local boxes of nodes that come before `path` in tree order and are not above it (no later region names them). */
function forgetLocalBefore(local: Map<number, string>, path: readonly number[]): void {
  const key = pathKey(path);
  for (const [id, k] of local) if (!isAncestorKey(k, key) && comparePaths(keyPath(k), path) < 0) local.delete(id);
}

/**
 * Canonical box ids: the next id at a box's first appearance in tree order. Only the names still needed are
 * kept: a region names only boxes of nodes above it (checked at every name), and regions come in tree order, so
 * once a region outside a node's subtree has been emitted, that node's box is never named again.
 */
class BoxNumbering {
  private readonly ids = new Map<string, number>();
  private next = 0;
  pruneAt = BOX_PRUNE_AT;

  get size(): number {
    return this.ids.size;
  }

  /** The id of the box made at node `key`, named by the region at node `regionKey`. */
  id(key: string, regionKey: string): number {
    let g = this.ids.get(key);
    if (g === undefined) {
      invariant(isAncestorKey(key, regionKey), `regions/unit-ledger: a region at ${regionKey} names the box of node ${key}, which is not above it`);
      g = this.next++;
      this.ids.set(key, g);
    }
    return g;
  }

  /** The region at `path` was emitted: forget the boxes of nodes not above it. */
  forgetBefore(path: readonly number[]): void {
    const key = pathKey(path);
    for (const k of this.ids.keys()) if (!isAncestorKey(k, key)) this.ids.delete(k);
    this.pruneAt = 2 * this.ids.size + BOX_PRUNE_AT;
  }
}

/** The temporary folders of waiting regions: `tessera-ledger-PID-XXXXXX` in $TMPDIR. */
const SPILL_PREFIX = "tessera-ledger-";
/** A spill folder untouched for this long whose process is gone is stale (a long run rewrites its files often). */
export const STALE_SPILL_MS = 10 * 60 * 1000;

/** True when process `pid` exists (EPERM: it exists, under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove the spill folders of runs that died without cleaning up (SIGKILL, a crash, the machine lost; SIGINT and
 * SIGTERM stop a run cleanly): a folder whose process is gone and that was not touched for STALE_SPILL_MS.
 * Folders of other machines' processes in a shared $TMPDIR are kept unless their PID is free here too and they
 * are stale. Best effort: a folder that cannot be read or removed is left.
 */
export function removeStaleSpillFolders(dir = tmpdir(), now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^tessera-ledger-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      const path = join(dir, name);
      if (now - statSync(path).mtimeMs >= STALE_SPILL_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed meanwhile, or not ours to remove.
    }
  }
}

/** A region map entry with its final id and canonical box ids (a box gets the next id where its record appears). */
function renumber(region: RegionJson, id: number, local: Map<number, string>, global: BoxNumbering): RegionJson {
  if (!region.splits) return { ...region, id };
  let regionKey: string | undefined;
  const boxId = (localId: number): number => {
    const key = local.get(localId);
    invariant(key !== undefined, `regions/unit-ledger: region ${id} names box ${localId}, which its unit did not make`);
    regionKey ??= pathKey(parsePattern(region.pattern).flat());
    return global.id(key, regionKey);
  };
  const ref = <C>(c: C): C => (c && typeof c === "object" && "box" in c ? ({ box: boxId((c as { box: number }).box) } as C) : c);
  const splits = region.splits.map((s) => {
    if ("neuron" in s) return { ...s, ...(s.lower ? { lower: ref(s.lower) } : {}), ...(s.upper ? { upper: ref(s.upper) } : {}) };
    return { ...s, box: boxId(s.box) };
  });
  return { ...region, id, splits };
}
