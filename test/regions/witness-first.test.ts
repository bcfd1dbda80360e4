// The witness-first order of `count --max-regions` (regions/enumerate.ts, SearchOrder): the piece of a node's
// witness is visited first and the node's other pieces are decided only when the search comes back. The
// oracle is the tree-order search (itself checked against brute force in counts.test.ts): a witness-first
// search that runs to its end must visit the same split tree — the same number of regions, the same set of
// patterns, the same decisions and splits, the same linear pieces — and one stopped at k regions must give k
// distinct regions of that set, complete exactly when no region is left. Random dyadic and rational nets,
// ReLU / leaky ReLU / hardtanh (three pieces: both sides of a node left to decide), bias-free nets (every
// hyperplane through the box's middle, the first witness: the float step off a breakpoint).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dyadic } from "../../src/exact/dyadic.js";
import { rat, type Rational } from "../../src/exact/rational.js";
import { seededRandom } from "../../src/exact/random.js";
import { sequential } from "../../src/network/build.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";
import { enumerateRegions } from "../../src/regions/enumerate.js";
import { LinearPieceTracker } from "../../src/graph/piece-tracker.js";
import { randomMlp } from "./helpers.js";

const box = (n: number, h = 1): { kind: "box"; lo: Rational[]; hi: Rational[] } => ({ kind: "box", lo: new Array<Rational>(n).fill(rat(-h)), hi: new Array<Rational>(n).fill(rat(h)) });

/** A net with float-like (dyadic) weights of 20 bits; bias-free puts every first-layer hyperplane through 0. */
function dyadicNet(seed: number, widths: readonly number[], biasFree: boolean, activation: ActivationSpec): Network {
  const next = seededRandom(seed);
  const dy = (): Rational => Dyadic.of(BigInt(Math.floor(next() * 2 ** 20)) - (1n << 19n), -19).toRational();
  const layers = widths.slice(1).map((out, i) => ({
    weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, dy)),
    bias: Array.from({ length: out }, () => (biasFree ? rat(0) : dy())),
  }));
  return sequential(widths[0]!, layers, activation);
}

const ACTIVATIONS: ActivationSpec[] = [{ kind: "relu" }, { kind: "leaky_relu", alpha: rat(1, 10) }, { kind: "hardtanh", min: rat(-1, 4), max: rat(1, 4) }];

/** Count with keys (no records): the tree order without a limit, the witness-first order with one. */
async function countKeys(net: Network, n: number, maxRegions?: number) {
  const patterns: string[] = [];
  const pieces = new LinearPieceTracker();
  const result = await enumerateRegions(net, box(n), {
    irredundant: false,
    keepCertificates: false,
    ...(maxRegions !== undefined ? { maxRegions } : {}),
    onRegionKey: (id, key) => {
      patterns.push(key.pattern);
      pieces.addKey(id, key.pattern, key.digest);
    },
  });
  return { result, patterns, linearPieces: pieces.finish(result.domain.network, result.domain.polyhedron)[1] };
}

const netArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  hidden: fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 1, maxLength: 2 }),
  inputs: fc.integer({ min: 1, max: 3 }),
  activation: fc.constantFrom(...ACTIVATIONS),
  kind: fc.constantFrom("dyadic", "dyadic bias-free", "rational"),
});

function makeNet(c: { seed: number; hidden: number[]; inputs: number; activation: ActivationSpec; kind: string }): Network {
  const widths = [c.inputs, ...c.hidden, 1];
  return c.kind === "rational" ? randomMlp(seededRandom(c.seed), widths, c.activation) : dyadicNet(c.seed, widths, c.kind === "dyadic bias-free", c.activation);
}

describe("witness-first search (count --max-regions)", () => {
  it("run to its end, it visits the tree-order search's tree: same regions, patterns, decisions, splits, linear pieces", async () => {
    await fc.assert(
      fc.asyncProperty(netArb, async (c) => {
        const net = makeNet(c);
        const tree = await countKeys(net, c.inputs);
        const witness = await countKeys(net, c.inputs, 1_000_000);
        expect(witness.result.complete).toBe(true);
        expect(witness.result.regions).toBe(tree.result.regions);
        expect([...witness.patterns].sort()).toEqual([...tree.patterns].sort());
        expect(witness.result.stats.decisions).toBe(tree.result.stats.decisions);
        expect(witness.result.stats.splits).toBe(tree.result.stats.splits);
        expect(witness.linearPieces).toBe(tree.linearPieces);
      }),
      { numRuns: 40 },
    );
  });

  it("stopped at k regions: k distinct regions of the tree, complete exactly when none is left", async () => {
    await fc.assert(
      fc.asyncProperty(netArb, fc.integer({ min: 1, max: 40 }), async (c, k) => {
        const net = makeNet(c);
        const tree = await countKeys(net, c.inputs);
        const all = new Set(tree.patterns);
        const total = tree.result.regions;
        for (const limit of [k, total, Math.max(1, total - 1)]) {
          const cut = await countKeys(net, c.inputs, limit);
          expect(cut.result.regions).toBe(Math.min(limit, total));
          expect(cut.result.complete).toBe(limit >= total);
          expect(cut.result.status).toBe(limit >= total ? "complete" : "max-regions");
          expect(new Set(cut.patterns).size).toBe(cut.patterns.length);
          for (const p of cut.patterns) expect(all.has(p)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("the first region comes without an LP on a wide layer through the box's middle (40 inputs, 41 ReLUs, half of them bias-free)", async () => {
    const next = seededRandom(7);
    const n = 40;
    const net = sequential(n, [
      { weights: Array.from({ length: n + 1 }, () => Array.from({ length: n }, () => rat(Math.floor(next() * 17) - 8))), bias: Array.from({ length: n + 1 }, (_, r) => rat(r % 2 === 0 ? 0 : (r % 5) - 2)) },
      { weights: [Array.from({ length: n + 1 }, (_, r) => rat(r + 1))], bias: [rat(0)] },
    ]);
    const first = await countKeys(net, n, 1);
    expect(first.result.regions).toBe(1);
    expect(first.result.complete).toBe(false);
    expect(first.result.stats.lp.lps).toBe(0);
    expect(first.result.stats.decisions).toBe(n + 1);
    // The tree order (here: with records kept) decides the pieces below the witness's first: LPs before its first region.
    const treeFirst = await enumerateRegions(net, box(n), { irredundant: false, maxRegions: 1, onRegionKey: () => undefined });
    expect(treeFirst.regions).toBe(1);
    expect(treeFirst.stats.lp.lps).toBeGreaterThan(0);
  });
});
