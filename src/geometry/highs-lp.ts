// The one file that imports HiGHS (npm `highs`, WebAssembly): the same float proposal as float-lp.ts —
// maximise w·x s.t. A x ≤ b, x free — from a fresh HiGHS model. Like every float solver it only proposes;
// its failures are "failed", never "infeasible". Used by bench/regions.ts to compare with the dense simplex
// and available to callers with LPs too large for the dense simplex (many variables).
import highsModule, { type Highs } from "highs";
import type { FloatProposal } from "./float-lp.js";

let loaded: Promise<Highs> | undefined;

/** Load the HiGHS runtime once (asynchronous; every solve after that is synchronous). */
export function loadHighs(): Promise<Highs> {
  // The package is CommonJS: under NodeNext its default export is the module object, at run time the loader.
  const loader: unknown = highsModule;
  if (!loaded) loaded = typeof loader === "function" ? (loader as () => Promise<Highs>)() : (loader as { default: () => Promise<Highs> }).default();
  return loaded;
}

/** Propose max w·x over {x : A x ≤ b} (A row-major m×d) with HiGHS; the basis lists the tight rows. */
export function proposeMaxHighs(highs: Highs, A: Float64Array, b: Float64Array, m: number, d: number, w: Float64Array): FloatProposal {
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < d; k++) {
      const v = A[i * d + k]!;
      if (v !== 0) {
        indices.push(k);
        values.push(v);
      }
    }
    starts.push(indices.length);
  }
  const inf = highs.infinity;
  let model: ReturnType<Highs["createModel"]> | undefined;
  try {
    model = highs.createModel({
      numCols: d,
      numRows: m,
      sense: highs.constants.objectiveSense.maximize,
      colCost: w,
      colLower: new Float64Array(d).fill(-inf),
      colUpper: new Float64Array(d).fill(inf),
      rowLower: new Float64Array(m).fill(-inf),
      rowUpper: b.subarray(0, m),
      matrix: { format: "csr", numRows: m, numCols: d, starts, indices, values },
    });
    model.options.set({ output_flag: false, presolve: "off" });
    model.run();
    const status = model.getModelStatus();
    const iterations = Number(model.info.get("simplex_iteration_count"));
    if (status === highs.constants.modelStatus.optimal) {
      const sol = model.getSolution();
      const basis = model.getBasis();
      const rows: number[] = [];
      for (let i = 0; i < m; i++) if (basis.rowStatus[i] !== highs.constants.basisStatus.basic) rows.push(i);
      // The multipliers of a maximisation's upper-bounded rows, whatever HiGHS's sign convention (a proposal only).
      const y = Float64Array.from(rows, (i) => Math.abs(sol.rowDual[i] ?? 0));
      const x = Float64Array.from(sol.colValue);
      let value = 0;
      for (let k = 0; k < d; k++) value += w[k]! * x[k]!;
      return { status: "optimal", basis: rows, y, x, value, iterations };
    }
    if (status === highs.constants.modelStatus.unbounded) {
      const ray = model.getPrimalRay();
      if (ray) return { status: "unbounded", ray: Float64Array.from(ray.values), iterations };
    }
    return { status: "failed", reason: `HiGHS model status ${status}`, iterations };
  } catch (error) {
    return { status: "failed", reason: `HiGHS: ${(error as Error).message}`, iterations: 0 };
  } finally {
    model?.dispose();
  }
}
