// The closing line of an NDJSON region map lists the piece of every region; src/regions/region-map.ts writes it in
// slices (writeJsonWithNumbers) instead of one string. Expected: JSON.stringify of the whole object.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { writeJsonWithNumbers } from "../../src/regions/region-map.js";

const written = (head: object, array: { key: string; values: ArrayLike<number> } | undefined, tail: object): { text: string; writes: number } => {
  const parts: string[] = [];
  writeJsonWithNumbers((t) => void parts.push(t), head, array, tail);
  return { text: parts.join(""), writes: parts.length };
};

describe("writeJsonWithNumbers: a long number array inside a JSON object, written in slices", () => {
  it("fast-check: the same bytes as JSON.stringify({ ...head, [key]: values, ...tail })", () => {
    const json = fc.jsonValue({ maxDepth: 2 });
    // Keys of head and tail apart (h…, t…), and none "pieces" (the function's precondition).
    const fields = (prefix: string) => fc.dictionary(fc.string({ maxLength: 6 }).map((k) => prefix + k), fc.oneof(json, fc.constant(undefined)), { maxKeys: 5 });
    fc.assert(
      fc.property(fields("h"), fields("t"), fc.option(fc.array(fc.integer({ min: -1, max: 1e7 }), { maxLength: 200 })), (head, tail, values) => {
        const array = values === null ? undefined : { key: "pieces", values: Int32Array.from(values) };
        const expected = JSON.stringify({ ...head, ...(values === null ? {} : { pieces: values }), ...tail });
        expect(written(head, array, tail).text).toBe(expected);
      }),
    );
  });

  it("100,000 ids: equal to JSON.stringify, in more than one write (slices of 16,384 numbers)", () => {
    const values = Int32Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 65_521);
    const head = { complete: true, status: "complete", counts: { regions: 100_000, linearPieces: 65_521 } };
    const tail = { stats: { workers: 2, units: 9, donations: 8 } };
    const { text, writes } = written(head, { key: "pieces", values }, tail);
    expect(text).toBe(JSON.stringify({ ...head, pieces: Array.from(values), ...tail }));
    // "{…counts…}", the key and "[", ceil(100,000 / 16,384) = 7 slices, "]", stats, "}"
    expect(writes).toBe(3 + 1 + 7 + 1 + 1 + 1);
  });
});
