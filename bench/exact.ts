// Benchmark of the exact number paths (prints a table; not a test): dot products of float32-valued
// weights and inputs, as in a forward pass, with plain fraction.js vs the Dyadic fast path vs float64.
// Run: npm run bench -- bench/exact.ts
import Fraction from "fraction.js";
import { Dyadic } from "../src/exact/dyadic.js";
import { dyadicFromFloat32 } from "../src/exact/float.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const sizes = [5, 50, 256];
const rounds = 3;
const rng = lcg(42);

interface Row {
  n: number;
  fractionOps: number;
  dyadicOps: number;
  floatOps: number;
}

function time(fn: () => void, minMs = 300): number {
  sink = [];
  let iterations = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    iterations++;
  }
  return iterations / ((performance.now() - start) / 1000);
}

const rows: Row[] = [];
/** Results are kept so the JIT cannot drop the work; cleared between measurements. */
let sink: unknown[] = [];
for (const n of sizes) {
  const wf = Array.from({ length: n }, () => Math.fround(rng() * 0.5));
  const xf = Array.from({ length: n }, () => Math.fround(rng()));
  const wd = wf.map((v) => dyadicFromFloat32(v)!);
  const xd = xf.map((v) => dyadicFromFloat32(v)!);
  const wq = wd.map((d) => d.toRational());
  const xq = xd.map((d) => d.toRational());
  // The three paths must agree (the dyadic and fraction.js results exactly).
  let checkD = Dyadic.ZERO;
  let checkQ = new Fraction(0);
  for (let i = 0; i < n; i++) {
    checkD = checkD.add(wd[i]!.mul(xd[i]!));
    checkQ = checkQ.add(wq[i]!.mul(xq[i]!));
  }
  if (!checkD.toRational().equals(checkQ)) throw new Error("bench/exact: dyadic and fraction.js disagree");
  let best: Row = { n, fractionOps: 0, dyadicOps: 0, floatOps: 0 };
  for (let r = 0; r < rounds; r++) {
    // Interleave the three paths in each round so machine noise hits them alike.
    const fractionDots = time(() => {
      let s = new Fraction(0);
      for (let i = 0; i < n; i++) s = s.add(wq[i]!.mul(xq[i]!));
      sink.push(s);
    });
    const dyadicDots = time(() => {
      let s = Dyadic.ZERO;
      for (let i = 0; i < n; i++) s = s.add(wd[i]!.mul(xd[i]!));
      sink.push(s);
    });
    const floatDots = time(() => {
      let s = 0;
      for (let i = 0; i < n; i++) s += wf[i]! * xf[i]!;
      sink.push(s);
    });
    // 2n operations (n multiplications, n additions) per dot product.
    best = {
      n,
      fractionOps: Math.max(best.fractionOps, fractionDots * 2 * n),
      dyadicOps: Math.max(best.dyadicOps, dyadicDots * 2 * n),
      floatOps: Math.max(best.floatOps, floatDots * 2 * n),
    };
  }
  rows.push(best);
}

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
console.log("exact arithmetic, dot products of float32 weights and inputs (ops/s, best of 3 interleaved rounds)");
console.log("| n | fraction.js | Dyadic | float64 | Dyadic / fraction.js |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.n} | ${fmt(r.fractionOps)} | ${fmt(r.dyadicOps)} | ${fmt(r.floatOps)} | ${(r.dyadicOps / r.fractionOps).toFixed(1)}× |`);
}
