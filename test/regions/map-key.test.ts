// Region keys for linear pieces (src/regions/map-key.ts): the digest from the float output map (with its
// proven error bound) must be the digest of the EXACT map whenever it is given — on random networks with
// huge, tiny and 53-bit weights along random search paths, on float entries pushed by up to their error
// bound next to cell edges, and at exact ties with a cell edge (which must go to the exact map). The cell of
// an exact value is checked against floor(x/2^G + 1/2) computed with fraction.js, and the linear pieces
// counted from keys equal those counted from built regions' exact maps.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dyadic } from "../../src/exact/dyadic.js";
import { DyadicField, RationalField } from "../../src/exact/field.js";
import { rat, type Rational } from "../../src/exact/rational.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import { sequential } from "../../src/network/build.js";
import type { Network } from "../../src/network/ir.js";
import { FixedPointMaps } from "../../src/regions/fixed-point-maps.js";
import { exactMapDigest, floatMapDigest, outputGrid } from "../../src/regions/map-key.js";
import { collectRegions, enumerateRegions } from "../../src/regions/enumerate.js";
import { LinearPieceTracker } from "../../src/graph/piece-tracker.js";

/** A random MLP with dyadic weights of `bits`-bit mantissas scaled by 2^(scale ± spread). */
function dyadicNet(seed: number, widths: number[], bits: number, scale: number, spread: number, zeroOutputColumns = 0): Network {
  const next = rng(seed);
  const dy = (): Rational => {
    const m = BigInt(Math.floor(next() * 2 ** bits)) - (1n << BigInt(bits - 1));
    return Dyadic.of(m, scale - bits + Math.floor(next() * (2 * spread + 1)) - spread).toRational();
  };
  const layers = widths.slice(1).map((out, i) => ({
    weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, dy)),
    bias: Array.from({ length: out }, dy),
  }));
  // Zero output weights on the first columns: regions that differ only there share their map.
  const last = layers[layers.length - 1]!;
  for (const row of last.weights) for (let c = 0; c < zeroOutputColumns; c++) row[c] = rat(0);
  return sequential(widths[0]!, layers);
}

/** Fraction.js's floor(x / 2^G + 1/2): the cell the digest must use. */
function cellByFractions(x: Rational, G: number): bigint {
  const g = G >= 0 ? rat(2n ** BigInt(G)) : rat(1n, 2n ** BigInt(-G));
  const y = x.div(g).add(rat(1, 2)).floor();
  return y.s * y.n;
}

describe("region keys: float digest = exact digest", () => {
  it("along random search paths (float32-like, huge, tiny, 53-bit weights): the float digest, when given, is the exact map's", () => {
    let decided = 0;
    let asked = 0;
    for (const [seed, bits, scale, spread] of [[1, 24, 0, 2], [2, 24, 40, 30], [3, 24, -40, 30], [4, 53, 0, 60], [5, 24, 0, 0]] as const) {
      const net = dyadicNet(seed, [3, 7, 7, 7, 2], bits, scale, spread);
      const grid = outputGrid(net);
      const exact = new FixedPointMaps(net, 3, false);
      const lazy = new FixedPointMaps(net, 3, true);
      const next = rng(200 + seed);
      const pattern = [0, 1, 2].map(() => new Array<number>(7).fill(0));
      for (let s = 0; s <= 3; s++) [exact, lazy].forEach((m) => m.computeSegment(s, pattern));
      for (let step = 0; step < 150; step++) {
        const layer = Math.floor(next() * 3);
        for (let f = 0; f < 1 + Math.floor(next() * 3); f++) pattern[layer]![Math.floor(next() * 7)]! ^= 1;
        for (let s = layer + 1; s <= 3; s++) [exact, lazy].forEach((m) => m.computeSegment(s, pattern));
        const want = exactMapDigest(DyadicField, exact.output(), grid);
        const got = floatMapDigest(lazy.float!, net.output, 3, grid);
        asked++;
        if (got === undefined) continue;
        decided++;
        expect(got, `seed ${seed} step ${step}`).toBe(want);
      }
    }
    // The float path is useful, not just safe: it decides almost every key.
    expect(decided / asked).toBeGreaterThan(0.9);
  });

  it("fast-check: float entries pushed by up to their error bound next to cell edges, and exact ties with an edge", () => {
    const G = -10;
    const grid = Int32Array.of(G);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.constantFrom("edge", "edge+", "edge-", "inside"), fc.bigInt({ min: 1n, max: (1n << 60n) - 1n })), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (entries, errExp, pushes) => {
          // Exact entries: a cell edge (q + 1/2)·2^G, or just beside it by a 60-bit fraction of 2^(G−errExp), or inside.
          const xs = entries.map(([q, where, frac]) => {
            const edge = Dyadic.of(BigInt(2 * q + 1), G - 1);
            const nudge = Dyadic.of(frac, G - errExp - 60);
            return where === "edge" ? edge : where === "edge+" ? edge.add(nudge) : where === "edge-" ? edge.sub(nudge) : Dyadic.of(BigInt(q), G);
          });
          const e = 2 ** (G - errExp);
          // Float entries within e of the exact ones (rounded to float, then pushed, staying within e).
          const vals = new Float64Array(xs.map((x, k) => {
            const f = x.toNumber();
            const room = e - Math.abs(DyadicField.fromFloat(f).sub(x).toNumber());
            return room > 0 ? f + pushes[k]! * room * 0.5 : f;
          }));
          // Every pushed float is still within e of its exact value (checked exactly); else skip the case.
          if (!xs.every((x, k) => DyadicField.fromFloat(vals[k]!).sub(x).toRational().abs().compare(DyadicField.fromFloat(e).toRational()) <= 0)) return;
          const map = { M: [[xs[0]!, xs[1]!]], v: [xs[2]!] };
          const want = exactMapDigest(DyadicField, map, grid);
          const got = floatMapDigest({ values: [vals], error: [Float64Array.of(e)] }, 0, 2, grid);
          if (got !== undefined) expect(got).toBe(want);
          if (entries.some(([, where]) => where === "edge")) expect(got).toBeUndefined();
        },
      ),
      { seed: 31, numRuns: 3000 },
    );
  });

  it("fast-check: the exact cell is floor(x/2^G + 1/2) on dyadics and on rationals (two digests agree with fraction.js's cells)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), fc.integer({ min: -120, max: 120 }), fc.integer({ min: -100, max: 100 }), (m, e, G) => {
        const x = Dyadic.of(m, e);
        const grid = Int32Array.of(G);
        const viaDyadic = exactMapDigest(DyadicField, { M: [[]], v: [x] }, grid);
        const viaRational = exactMapDigest(RationalField, { M: [[]], v: [x.toRational()] }, grid);
        expect(viaDyadic).toBe(viaRational);
        // The digest of the cell computed by fraction.js, written as a dyadic integer at exponent G.
        const cell = cellByFractions(x.toRational(), G);
        expect(viaDyadic).toBe(exactMapDigest(DyadicField, { M: [[]], v: [Dyadic.of(cell, G)] }, grid));
      }),
      { seed: 32, numRuns: 2000 },
    );
  });
});

describe("region keys in the search: linear pieces as from exact maps", () => {
  const box = (n: number): { kind: "box"; lo: Rational[]; hi: Rational[] } => ({ kind: "box", lo: new Array<Rational>(n).fill(rat(-1)), hi: new Array<Rational>(n).fill(rat(1)) });

  it.each([
    ["float32-like, 3 dead output columns (regions share maps)", dyadicNet(41, [2, 8, 8, 1], 24, 0, 1, 3)],
    ["huge weights (2^60), 4 dead output columns", dyadicNet(42, [2, 8, 8, 1], 24, 60, 4, 4)],
    ["tiny weights (2^-60)", dyadicNet(43, [2, 8, 6, 2], 24, -60, 4, 2)],
  ])("%s", async (_name, net) => {
    const keyed = new LinearPieceTracker();
    const result = await enumerateRegions(net, box(2), { irredundant: false, keepCertificates: false, onRegionKey: (id, key) => keyed.addKey(id, key.pattern, key.digest) });
    const { regions } = await collectRegions(net, box(2), { irredundant: false });
    const built = new LinearPieceTracker();
    regions.forEach((r) => built.add(r));
    const { network, polyhedron } = result.domain;
    const [, fromKeys] = keyed.finish(network, polyhedron);
    const [, fromMaps] = built.finish(network, polyhedron);
    expect(result.regions).toBe(regions.length);
    expect(fromKeys).toBe(fromMaps);
    // Dead columns make equal maps: fewer pieces than regions, so the exact joining was exercised.
    if (_name.includes("dead")) expect(fromKeys).toBeLessThan(regions.length);
  });

  it("hardtanh (3 pieces per neuron: the tracker widens its packed patterns), keys from the text = regions' exact maps", async () => {
    const base = dyadicNet(44, [2, 6, 5, 1], 24, 0, 1, 2);
    const net = sequential(2, base.nodes.filter((n) => n.kind === "affine").map((n) => (n.kind === "affine" ? { weights: n.weights, bias: n.bias } : { weights: [], bias: [] })), { kind: "hardtanh", min: rat(-1, 4), max: rat(1, 4) });
    const keyed = new LinearPieceTracker();
    const result = await enumerateRegions(net, box(2), { irredundant: false, onRegionKey: (id, key) => keyed.addKey(id, key.pattern, key.digest) });
    const { regions } = await collectRegions(net, box(2), { irredundant: false });
    const built = new LinearPieceTracker();
    regions.forEach((r) => built.add(r));
    expect(regions.some((r) => r.pattern.some((l) => l.includes(2)))).toBe(true);
    const { network, polyhedron } = result.domain;
    const [piecesFromKeys, fromKeys] = keyed.finish(network, polyhedron);
    const [piecesFromMaps, fromMaps] = built.finish(network, polyhedron);
    expect(fromKeys).toBe(fromMaps);
    expect(piecesFromKeys).toEqual(piecesFromMaps);
    expect(fromKeys).toBeLessThan(regions.length);
  });

  it("maxRegions: exactly that many keys, ids 0..k−1 (the look-ahead that decides completeness gives none)", async () => {
    const net = dyadicNet(41, [2, 8, 8, 1], 24, 0, 1);
    for (const k of [1, 7, 20]) {
      const ids: number[] = [];
      const result = await enumerateRegions(net, box(2), { irredundant: false, maxRegions: k, onRegionKey: (id) => ids.push(id) });
      expect(result.regions).toBe(k);
      expect(ids).toEqual(Array.from({ length: k }, (_, i) => i));
    }
  });

  it("an output entry exactly on a cell edge goes to the exact map (exactKeys), and the pieces stay right", async () => {
    // y = (1 − 2^-31)·relu(x) + 2^-31: the row's size estimate is 1, so G = −30 and the constant 2^-31 sits on
    // the edge between cells 0 and 1 of both regions. Two regions with different maps: 2 pieces.
    const net = sequential(1, [
      { weights: [[rat(1)]], bias: [rat(0)] },
      { weights: [[rat(1).sub(rat(1, 2 ** 31))]], bias: [rat(1, 2 ** 31)] },
    ]);
    expect(Array.from(outputGrid(net))).toEqual([-30]);
    const tracker = new LinearPieceTracker();
    const result = await enumerateRegions(net, box(1), { irredundant: false, onRegionKey: (id, key) => tracker.addKey(id, key.pattern, key.digest) });
    expect(result.regions).toBe(2);
    expect(result.stats.lp.exactKeys).toBe(2);
    expect(tracker.finish(result.domain.network, result.domain.polyhedron)[1]).toBe(2);
  });
});
