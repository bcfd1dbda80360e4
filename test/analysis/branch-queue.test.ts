// The verifier's open-node queue (src/analysis/branch-queue.ts): pops in key order and, after `take` removes the
// element a predicate ranks first (a donation), still pops the rest in key order — against sorting.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MinQueue } from "../../src/analysis/branch-queue.js";

describe("MinQueue", () => {
  it("take removes the element ranked first, the rest still pops in key order", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.integer({ min: -5, max: 5 }), depth: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 40 }), fc.nat(40), (items, takeAfter) => {
        const q = new MinQueue<{ key: number; depth: number; id: number }>();
        const all = items.map((x, id) => ({ ...x, id }));
        all.forEach((x) => q.push(x));
        const popped: typeof all = [];
        for (let i = 0; i < takeAfter % all.length; i++) popped.push(q.pop()!);
        const rest = all.filter((x) => !popped.includes(x));
        const shallowest = Math.min(...rest.map((x) => x.depth));
        const taken = q.take((a, b) => a.depth < b.depth)!;
        expect(taken.depth).toBe(shallowest);
        const after: number[] = [];
        while (q.length) after.push(q.pop()!.key);
        expect(after).toEqual(rest.filter((x) => x !== taken).map((x) => x.key).sort((a, b) => a - b));
      }),
    );
  });
});
