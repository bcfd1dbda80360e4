// The results a worker sends (src/queue/protocol.ts): a result and its regions in chunks of about
// RESULT_CHUNK_BYTES, read back into exactly the segments that were sent; a chunk missing, one too many, one
// that is not an array, or segments that ask for more or fewer regions than followed are errors, never a
// wrong answer.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { RESULT_CHUNK_BYTES, chunkCount, parseMessage, readResult, resultEntries, type UnitResult } from "../../src/queue/protocol.js";
import type { SegmentJson } from "../../src/regions/part-file.js";
import { comparePaths, type WorkUnit } from "../../src/regions/work-unit.js";

const UNIT: WorkUnit = { start: [0], end: [1] };
const unitOf = (start: readonly number[]): WorkUnit | undefined => (comparePaths(start, UNIT.start) === 0 ? UNIT : undefined);
/** `n` region keys with 300-digit patterns (ACAS Xu's 300 neurons): about 330 bytes each. */
const keys = (n: number, salt: string): { pattern: string; digest: string }[] => Array.from({ length: n }, (_, i) => ({ pattern: `${i.toString(2).padStart(300, "0")}`, digest: `${salt}${i}` }));

function result(first: number, second: number): UnitResult & { ok: true } {
  const segments: SegmentJson[] = [
    { start: [0], end: [0, 0, 1], decisions: 7, splits: 3, boxes: [], regions: keys(first, "a") },
    { start: [0, 0, 1], end: [0, 1], decisions: 5, splits: 2, boxes: [], regions: keys(second, "b") },
  ];
  return { ok: true, start: [0], worker: "w", segments, open: [{ start: [0, 1], end: [1] }], cpuMs: 12, elapsedMs: 13 };
}

const read = (entries: readonly string[]): ReturnType<typeof readResult> => readResult(parseMessage(entries[0]!), entries.slice(1), unitOf, "key");

describe("a result and its chunks of regions", () => {
  it("travel in chunks of about RESULT_CHUNK_BYTES and read back into exactly the segments sent", () => {
    const sent = result(500, 700);
    const entries = resultEntries(sent);
    const chunks = entries.slice(1);
    // 1200 keys of ~330 bytes: ~396,000 bytes, so at least 396,000 / 2^16 ≈ 6.04 → 7 chunks.
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    expect(chunkCount(parseMessage(entries[0]!))).toBe(chunks.length);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(RESULT_CHUNK_BYTES + 2);
    expect(entries[0]!.length).toBeLessThan(1000);
    const { result: back, unit } = read(entries);
    expect(unit).toBe(UNIT);
    expect(back).toEqual(sent);
  });

  it("a result without regions has no chunks; an error is one message", () => {
    const entries = resultEntries(result(0, 0));
    expect(entries).toHaveLength(1);
    expect(read(entries).result).toEqual(result(0, 0));
    const error: UnitResult = { ok: false, start: [0], worker: "w", error: "no" };
    expect(resultEntries(error)).toEqual([JSON.stringify(error)]);
  });

  it("a chunk missing, one too many, a chunk that is not an array of regions, or segments that do not account for the regions: errors", () => {
    const entries = resultEntries(result(300, 300));
    const header = parseMessage(entries[0]!);
    const chunks = entries.slice(1);
    const fails = (o: Record<string, unknown>, c: readonly string[], message: RegExp): void => {
      expect(() => readResult(o, c, unitOf, "key")).toThrow(InputError);
      expect(() => readResult(o, c, unitOf, "key")).toThrow(message);
    };
    fails(header, chunks.slice(1), /announces \d+ chunks of regions, \d+ followed it/);
    fails(header, [...chunks, "[]"], /announces/);
    fails(header, [chunks[0]!.slice(0, -1), ...chunks.slice(1)], /chunk 0: is not JSON/);
    fails(header, ['{"pattern":"0"}', ...chunks.slice(1)], /chunk 0: is not an array of regions/);
    const segments = header.segments as Record<string, unknown>[];
    fails({ ...header, segments: [{ ...segments[0], regionCount: 601 }, segments[1]] }, chunks, /asks for more regions than the 600/);
    fails({ ...header, segments: [{ ...segments[0], regionCount: 299 }, segments[1]] }, chunks, /hold 600 regions, its segments 599/);
    fails({ ...header, chunks: -1 }, chunks, /chunks: is not a non-negative integer/);
  });
});
