// The filtered kernel (docs/algorithms/filtered-predicates.md) tried against exact arithmetic written in
// the test: (1) the float box verdict on adversarial rows — huge and tiny magnitudes, cancellations, rows
// perturbed by exactly their error bound, exact ties — must never claim what the exact bound denies, and
// ties go to the exact path; (2) the float maps' error bounds hold entry by entry against the exact maps
// along random search paths; (3) enumerations with the filter equal enumerations without it on random
// networks with tiny margins, huge and tiny weights and exact ties, and their region maps pass `check`.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dyadic } from "../../src/exact/dyadic.js";
import { DyadicField } from "../../src/exact/field.js";
import { nextUp } from "../../src/exact/float.js";
import { rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import type { Network } from "../../src/network/ir.js";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { runCli } from "../../src/cli/main.js";
import { floatBoxVerdict, type RegionBox } from "../../src/regions/box-filter.js";
import { FixedPointMaps } from "../../src/regions/fixed-point-maps.js";
import { enumerateRegions } from "../../src/regions/enumerate.js";
import { seededRandom as rng } from "../../src/exact/random.js";

/** A dyadic m·2^e with an odd mantissa of `bits` bits (so that floats must round it when bits > 53). */
const dyadicArb = (bits: number, eMin: number, eMax: number): fc.Arbitrary<Dyadic> =>
  fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(bits - 1)) - 1n }), fc.boolean(), fc.integer({ min: eMin, max: eMax })).map(([m, neg, e]) => {
    const odd = (m << 1n) | 1n;
    return Dyadic.of(neg ? -odd : odd, e);
  });

function boxOf(upper: readonly Dyadic[], lower: readonly Dyadic[]): RegionBox<Dyadic> {
  const axis = (v: Dyadic) => {
    let fUp = v.toNumber();
    while (DyadicField.fromFloat(fUp).compare(v) < 0) fUp = nextUp(fUp);
    return { cert: { indices: [], num: [], den: 1n }, upD: v, up: v, f: v.toNumber(), fUp };
  };
  return { upper: upper.map(axis), lower: lower.map(axis), decided: new Map(), rowCount: 0, id: 0 };
}

/** Exactly: max over the box of w·x + c (x_k ≤ U_k, −x_k ≤ L_k). */
function exactMax(w: readonly Dyadic[], c: Dyadic, U: readonly Dyadic[], L: readonly Dyadic[]): Rational {
  let s = c.toRational();
  w.forEach((wk, k) => {
    const a = wk.mul(U[k]!).toRational();
    const b = wk.neg().mul(L[k]!).toRational();
    s = s.add(a.compare(b) >= 0 ? a : b);
  });
  return s;
}

describe("filtered box verdict against the exact bound", () => {
  const d = 4;
  const rowArb = fc.record({
    w: fc.array(dyadicArb(90, -80, 10), { minLength: d, maxLength: d }),
    c: dyadicArb(90, -80, 10),
    U: fc.array(dyadicArb(62, -70, 2), { minLength: d, maxLength: d }),
    L: fc.array(dyadicArb(62, -70, 2), { minLength: d, maxLength: d }),
    push: fc.array(fc.constantFrom(-1, 0, 1), { minLength: d + 1, maxLength: d + 1 }),
    scale: fc.integer({ min: -900, max: 900 }),
    shift: fc.constantFrom("none", "tie", "tiny-above", "tiny-below"),
  });
  it("fast-check: verdict 1 only when the exact max is ≤ t, −1 only when it is > t; exact ties are never decided", () => {
    fc.assert(
      fc.property(rowArb, ({ w, c: c0, U, L, push, scale, shift }) => {
        // Box with −L_k ≤ U_k (nonempty).
        const Ls = L.map((l, k) => (l.neg().compare(U[k]!) > 0 ? U[k]!.neg() : l));
        const sc = Dyadic.of(1n, scale);
        const ws = w.map((x) => x.mul(sc));
        // t: the exact max itself (a tie), or one unit of 2^-200 beside it, or the row's own constant.
        const m0 = exactMax(ws, c0.mul(sc), U, Ls);
        const tiny = Dyadic.of(1n, scale - 200).toRational();
        const c = c0.mul(sc);
        const tR = shift === "tie" ? m0 : shift === "tiny-above" ? m0.add(tiny) : shift === "tiny-below" ? m0.sub(tiny) : c.toRational();
        const t = DyadicField.fromRational(tR);
        const truth = m0.compare(tR) <= 0;
        // The float row, each entry pushed by up to its error bound e (adversarial), e = 2u·max|entry| + its own ulp.
        const exactRow = [...ws, c];
        const max = exactRow.reduce((m, v) => Math.max(m, Math.abs(v.toNumber())), 0);
        const e = 4 * 2 ** -53 * max + Number.MIN_VALUE;
        const vals = new Float64Array(exactRow.map((v, k) => v.toNumber() + push[k]! * e * 0.5));
        if (!Number.isFinite(t.toNumber())) return;
        const tDown = (() => {
          let f = t.toNumber();
          while (DyadicField.fromFloat(f).compare(t) > 0) f = -nextUp(-f);
          return f;
        })();
        if (!vals.every(Number.isFinite) || !Number.isFinite(tDown)) return;
        const verdict = floatBoxVerdict(boxOf(U, Ls), vals, 0, d, e, true, tDown, false, 0);
        if (verdict === 1) expect(truth).toBe(true);
        if (verdict === -1) expect(truth).toBe(false);
        if (shift === "tie") expect(verdict).toBe(0);
      }),
      { seed: 13, numRuns: 3000 },
    );
  });

  it("decides the easy cases (the filter is useful, not just safe)", () => {
    const one = Dyadic.ONE;
    const box = boxOf([one, one], [one, one]);
    // z = x0 − x1 − 3 ≤ −1 < 0 on [−1,1]^2: proved; z = x0 + x1 + 3 ≥ 1 > 0: the lower side proved.
    expect(floatBoxVerdict(box, new Float64Array([1, -1, -3]), 0, 2, 0, true, 0, false, 0)).toBe(1);
    expect(floatBoxVerdict(box, new Float64Array([1, 1, 3]), 0, 2, 0, false, 0, true, 0)).toBe(1);
    // z = x0 + x1 reaches 2 > 0: refuted; z = x0 + x1 − 2 reaches exactly 0: a tie, too close to call.
    expect(floatBoxVerdict(box, new Float64Array([1, 1, 0]), 0, 2, 0, true, 0, false, 0)).toBe(-1);
    expect(floatBoxVerdict(box, new Float64Array([1, 1, -2]), 0, 2, 0, true, 0, false, 0)).toBe(0);
  });
});

/** A random MLP with dyadic weights of `bits`-bit mantissas scaled by 2^(scale ± spread) (float32-like when bits ≤ 24). */
function dyadicNet(seed: number, widths: number[], bits: number, scale: number, spread: number, biasFree = false): Network {
  const next = rng(seed);
  const dy = (): Rational => {
    const m = BigInt(Math.floor(next() * 2 ** bits)) - (1n << BigInt(bits - 1));
    return Dyadic.of(m, scale - bits + Math.floor(next() * (2 * spread + 1)) - spread).toRational();
  };
  return sequential(
    widths[0]!,
    widths.slice(1).map((out, i) => ({
      weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, dy)),
      bias: Array.from({ length: out }, () => (biasFree ? rat(0) : dy())),
    })),
  );
}

describe("float maps: proven error bounds along search paths", () => {
  it("every entry of every row is within its bound of the exact map (random patterns, huge and tiny weights)", () => {
    for (const [seed, bits, scale, spread] of [[1, 24, 0, 2], [2, 24, 40, 30], [3, 24, -40, 30], [4, 53, 0, 60]] as const) {
      const net = dyadicNet(seed, [3, 7, 7, 7, 2], bits, scale, spread);
      const exact = new FixedPointMaps(net, 3, false);
      const lazy = new FixedPointMaps(net, 3, true);
      expect(lazy.float).toBeDefined();
      const next = rng(100 + seed);
      const pattern = [0, 1, 2].map(() => new Array<number>(7).fill(0));
      for (let s = 0; s <= 3; s++) [exact, lazy].forEach((m) => m.computeSegment(s, pattern));
      for (let step = 0; step < 120; step++) {
        // Re-enter a random layer with a few neurons flipped (as the depth-first search does on backtracking).
        const layer = Math.floor(next() * 3);
        for (let f = 0; f < 1 + Math.floor(next() * 3); f++) pattern[layer]![Math.floor(next() * 7)]! ^= 1;
        for (let s = layer + 1; s <= 3; s++) [exact, lazy].forEach((m) => m.computeSegment(s, pattern));
        for (const id of [1, 3, 5, 6]) {
          const rowsAt = net.nodes[id]!.size;
          for (let r = 0; r < rowsAt; r++) {
            const { w, c } = exact.row(id, r);
            const vals = lazy.float!.values[id]!;
            const err = DyadicField.fromFloat(lazy.float!.error[id]![r]!);
            [...w, c].forEach((v, k) => {
              const diff = DyadicField.fromFloat(vals[r * 4 + k]!).sub(v);
              expect(diff.sign() < 0 ? diff.neg().compare(err) : diff.compare(err), `seed ${seed} step ${step} node ${id} row ${r}`).toBeLessThanOrEqual(0);
            });
          }
        }
        // The lazy exact maps agree with the eager ones.
        expect(lazy.row(6, 0).c.equals(exact.row(6, 0).c)).toBe(true);
      }
    }
  });
});

describe("enumeration with the filter equals enumeration without it", () => {
  const box = (n: number, h = 1): { kind: "box"; lo: Rational[]; hi: Rational[] } => ({ kind: "box", lo: new Array<Rational>(n).fill(rat(-h)), hi: new Array<Rational>(n).fill(rat(h)) });
  const cases: [string, Network, number][] = [
    ["float32-like", dyadicNet(11, [2, 8, 8, 1], 24, 0, 1), 2],
    ["huge weights (2^60)", dyadicNet(12, [2, 8, 8, 1], 24, 60, 4), 2],
    ["tiny weights (2^-60)", dyadicNet(13, [2, 8, 8, 1], 24, -60, 4), 2],
    ["53-bit mantissas, exponents ±40", dyadicNet(14, [2, 6, 6, 1], 53, 0, 40), 2],
    ["bias-free (every hyperplane through 0: exact ties)", dyadicNet(15, [2, 8, 8, 1], 24, 0, 1, true), 2],
  ];
  it.each(cases)("%s: same count, same box decisions", async (_name, net, n) => {
    const withFilter = await enumerateRegions(net, box(n), { irredundant: false });
    const exactOnly = await enumerateRegions(net, box(n), { irredundant: false, filter: false });
    expect(withFilter.arithmetic).toBe("dyadic");
    expect(withFilter.regions).toBe(exactOnly.regions);
    expect(withFilter.stats.lp.boxDecisions).toBe(exactOnly.stats.lp.boxDecisions);
    expect(withFilter.regions).toBeGreaterThan(5);
  });

  it.each(cases)("%s: count (LP decisions and boxes proved by float multipliers) equals the exact count", async (_name, net, n) => {
    const keys = (into: string[]) => ({ irredundant: false, keepCertificates: false, onRegionKey: (_id: number, key: { pattern: string }) => void into.push(key.pattern) });
    const filtered: string[] = [];
    const exact: string[] = [];
    const withFilter = await enumerateRegions(net, box(n), keys(filtered));
    const exactOnly = await enumerateRegions(net, box(n), { ...keys(exact), filter: false });
    expect(withFilter.regions).toBe(exactOnly.regions);
    // The same regions (patterns), in the same order.
    expect(filtered).toEqual(exact);
    expect(exactOnly.stats.lp.lpFilterFailures).toBe(0);
    expect(withFilter.stats.lp.lpFilterFailures).toBeLessThanOrEqual(withFilter.stats.lp.lps);
  });

  it("count proves its LP decisions in floats on a float32-like net (the filter is useful, not just safe)", async () => {
    const result = await enumerateRegions(cases[0]![1], box(2), { irredundant: false, keepCertificates: false, onRegionKey: () => undefined });
    expect(result.stats.lp.lps).toBeGreaterThan(20);
    expect(result.stats.lp.lpFilterFailures).toBeLessThan(result.stats.lp.lps / 10);
  });

  it("tiny margins in count: a neuron 2^-70 from its breakpoint on the region, and exact ties (bias-free), are decided right", async () => {
    // relu(x − 1 − 2^-70) never turns on over [−1, 1]; relu(x − 1 + 2^-70) does, on a sliver. Two layers, so that
    // the second neuron is decided by an LP on the first one's region.
    const eps = Dyadic.of(1n, -70).toRational();
    for (const [sign, regions] of [[1, 2], [-1, 3]] as const) {
      const net = sequential(1, [
        { weights: [[rat(1)]], bias: [rat(0)] },
        { weights: [[rat(1)]], bias: [rat(-1).sub(eps.mul(sign))] },
        { weights: [[rat(1)]], bias: [rat(0)] },
      ]);
      const lo = { kind: "box" as const, lo: [rat(-1)], hi: [rat(1)] };
      expect((await enumerateRegions(net, lo, { irredundant: false, keepCertificates: false, onRegionKey: () => undefined })).regions).toBe(regions);
    }
  });

  it("tiny margins: a neuron 2^-70 away from its breakpoint on the box is decided right (a region more, exactly)", async () => {
    // relu(x − 1 − 2^-70) never turns on over [−1, 1]; relu(x − 1 + 2^-70) does, on a sliver.
    const eps = Dyadic.of(1n, -70).toRational();
    for (const [sign, regions] of [[1, 1], [-1, 2]] as const) {
      const net = sequential(1, [
        { weights: [[rat(1)]], bias: [rat(-1).sub(eps.mul(sign))] },
        { weights: [[rat(1)]], bias: [rat(0)] },
      ]);
      expect((await enumerateRegions(net, box(1), { irredundant: false })).regions).toBe(regions);
    }
  });

  it("region maps made with the filter pass `tessera check` (huge weights, bias-free)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-filter-"));
    const io = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false };
    for (const [i, net] of [cases[1]![1], cases[4]![1]].entries()) {
      const file = join(dir, `net${i}.json`);
      writeFileSync(file, writeNetworkJson(net));
      const map = join(dir, `map${i}.ndjson`);
      expect(await runCli(["regions", file, "--box=-1:1", "--ndjson", "-o", map], io)).toBe(0);
      let out = "";
      expect(await runCli(["check", map, file], { ...io, stdout: (s) => (out += s) })).toBe(0);
      expect(out).toMatch(/^ok: /);
    }
  });
});
