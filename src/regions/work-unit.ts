// Work units (docs/formats/work-unit.md): a contiguous interval [start, end) of the split tree in
// depth-first preorder, named by paths of choices from the root (path[j] = the piece of neuron j in
// topological order). A unit's state (constraints, maps, bounding box, witness) is a deterministic function
// of its start path: the runner re-derives it exactly by replaying the decisions along the path, so a unit is
// small plain JSON that threads, shards and checkpoints share, and nothing in it needs to be trusted.
import { InputError } from "../errors.js";

/** Version of the work-unit format (bumped when the meaning of a unit changes). */
export const WORK_UNIT_VERSION = 1;

export interface WorkUnit {
  /** The first node of the interval (the root: []). */
  readonly start: readonly number[];
  /** The first node after the interval (undefined: to the end of the tree). */
  readonly end?: readonly number[];
}

/** Plain JSON of a unit. */
export interface WorkUnitJson {
  start: number[];
  end: number[] | null;
}

/** The whole tree as one unit. */
export const ROOT_UNIT: WorkUnit = Object.freeze({ start: [] });

/**
 * Depth-first preorder of two nodes given by their paths: negative when a comes first. A node comes before its
 * descendants (a proper prefix is earlier); siblings in increasing piece order.
 */
export function comparePaths(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Preorder comparison of units by start (units of one run are disjoint intervals). */
export function compareUnits(a: WorkUnit, b: WorkUnit): number {
  return comparePaths(a.start, b.start);
}

export function unitToJson(unit: WorkUnit): WorkUnitJson {
  return { start: [...unit.start], end: unit.end ? [...unit.end] : null };
}

/** "1.0.2" (the root is "/"): a short, stable name of a path for messages and maps. */
export function pathKey(path: readonly number[]): string {
  return path.length === 0 ? "/" : path.join(".");
}

function readPath(value: unknown, file: string, where: string): number[] {
  if (!Array.isArray(value)) throw new InputError(file, where, "is not an array of piece indices");
  value.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new InputError(file, `${where}[${i}]`, `${JSON.stringify(v)} is not a piece index (an integer ≥ 0)`);
  });
  return value as number[];
}

/** Read and check a unit's JSON; errors name `file` and the JSON path `where`. */
export function unitFromJson(json: unknown, file: string, where: string): WorkUnit {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError(file, where, "is not a work unit object {start, end}");
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (key !== "start" && key !== "end") throw new InputError(file, `${where}.${key}`, "is not a field of a work unit");
  const start = readPath(obj.start, file, `${where}.start`);
  if (obj.end === null || obj.end === undefined) return { start };
  const end = readPath(obj.end, file, `${where}.end`);
  if (comparePaths(start, end) >= 0) throw new InputError(file, `${where}.end`, "does not come after start in depth-first order (an empty unit)");
  return { start, end };
}
