// The seed commands through the CLI (grad, init, signal, sparsity): their JSON against hand values, and the
// bad-input table of docs/errors.md's section "Gradients, initialisation, signal, sparsity" (every row a case).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const SEED = "fixtures/seed-three-neurons.json";
const files = tempFiles({
  "train.csv": "x1,x2,y\n3,1/2,2\n4,0,1\n",
  "bad-row.csv": "x1,x2,y\n3,1/2,2\n4,zero,1\n",
  "short-row.csv": "3,1/2,2\n4,0\n",
});
const dir = files.dir!;

describe("tessera grad", () => {
  it("--json at (3, 1/2) with mse to 2: the hand values (y = 49/20, dL/dy = 9/10)", async () => {
    const r = await cli("grad", SEED, "--at", "3,1/2", "--target", "2", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.loss).toEqual({ kind: "mse", target: ["2"], value: "81/400" });
    expect(out.dense[0].weights).toEqual([["27/10", "9/20"], ["0", "0"], ["27/100", "9/200"]]);
    expect(out.dense[0].argument).toEqual(["3", "1/2"]);
    expect(out.neurons.map((n: { noUpdate: boolean }) => n.noUpdate)).toEqual([false, true, false]);
  });

  it("at a tie the JSON gives right, left and the Clarke interval", async () => {
    const r = await cli("grad", SEED, "--at", "2,1", "--output-weights", "1", "--json");
    const out = JSON.parse(r.stdout);
    expect(out.differentiable).toBe(false);
    // w00: moving it up makes z0 = 2δ > 0 (dy = 2δ); down leaves neuron 0 off
    expect(out.dense[0].weights[0][0]).toEqual({ right: "2", left: "0", clarke: ["0", "2"] });
    expect(r.stdout).not.toContain("NaN");
  });

  it("human output of a wide layer lists the nonzero entries and says how many there are", async () => {
    await cli("init", "--layers", "12,2,1", "--init", "he", "--seed", "3", "--bias", "5", "-o", `${dir}/wide.json`);
    const x = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? "1" : "0")).join(",");
    const r = await cli("grad", `${dir}/wide.json`, "--at", x, "--output-weights", "1");
    // bias 5 keeps both neurons active; x has 4 nonzero entries (0, 3, 6, 9), so each row has 4 nonzero gradients
    expect(r.stdout).toContain("input x = (1, 0, 0, 1, 0, 0, 1, 0, … 12 values)");
    expect(r.stdout.match(/\(12 entries, 4 nonzero; --json lists all\)/g)).toHaveLength(2);
  });

  it("--data: summed gradient and the neurons no row updated", async () => {
    const r = await cli("grad", SEED, "--data", files["train.csv"]!, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBe(2);
    expect(out.noUpdate).toEqual([{ layer: 0, neuron: 1 }]);
    expect(out.neverActive).toEqual([{ layer: 0, neuron: 1 }]);
  });
});

describe("tessera init, signal, sparsity", () => {
  it("init writes the same network for the same seed; signal and sparsity read it", async () => {
    const a = await cli("init", "--layers", "2,8,8,1", "--init", "he", "--seed", "5", "-o", `${dir}/a.json`, "--json");
    const b = await cli("init", "--layers", "2,8,8,1", "--init", "he", "--seed", "5", "-o", `${dir}/b.json`);
    expect(a.code + b.code).toBe(0);
    expect(JSON.parse(a.stdout).targetWeightVariance).toEqual([1, 0.25, 0.25]);
    expect(readFileSync(`${dir}/a.json`, "utf8")).toBe(readFileSync(`${dir}/b.json`, "utf8"));
    const s = await cli("signal", `${dir}/a.json`, "--samples", "50", "--json", "-o", `${dir}/s.svg`);
    const out = JSON.parse(s.stdout);
    expect(out.networks[0].layers.map((l: { neurons: number }) => l.neurons)).toEqual([8, 8, 1]);
    expect(readFileSync(`${dir}/s.svg`, "utf8")).toContain("<polyline");
  });

  it("sparsity on the seed net's box: exact fractions 1/2, 47/72, 1/3 (by hand: areas of the box cut by each line)", async () => {
    // neuron 0: x1 − 2x2 > 0 halves the symmetric box. neuron 2: 2x1 + x2 > 2 cuts the triangle-free part:
    // on [-3,3]², the area with 2x1 + x2 ≤ 2 is 24, so 12/36 = 1/3 is active. neuron 1: −x1 + x2 + 1 > 0,
    // inactive where x2 < x1 − 1: a triangle with legs 5 (area 25/2), so active 36 − 25/2 = 47/2 → 47/72.
    const r = await cli("sparsity", SEED, "--box=-3:3", "--json");
    const out = JSON.parse(r.stdout);
    expect(out.neurons.map((n: { exact: string }) => n.exact)).toEqual(["1/2", "47/72", "1/3"]);
    expect(out.complete).toBe(true);
  });
});

/** docs/errors.md, section "Gradients, initialisation, signal, sparsity": every row is a case here. */
const rows: Record<string, { args: string[]; message: string }> = {
  "grad-at-length": { args: ["grad", SEED, "--at", "1,2,3", "--target", "1"], message: "--at: has 3 values, the network takes 2" },
  "grad-no-at": { args: ["grad", SEED, "--target", "1"], message: "grad: give the input with --at (or a data set with --data)" },
  "grad-target-length": { args: ["grad", SEED, "--at", "1,2", "--target", "1,2"], message: "--target: has 2 values, the network has 1 output" },
  "grad-no-target": { args: ["grad", SEED, "--at", "1,2"], message: "grad: --loss mse needs --target (or use --output-weights V for the gradient of V·y)" },
  "grad-output-weights-length": { args: ["grad", SEED, "--at", "1,2", "--output-weights", "1,1"], message: "--output-weights: has 2 values, the network has 1 output" },
  "grad-cross-entropy": {
    args: ["grad", SEED, "--at", "1,2", "--target", "1", "--loss", "cross-entropy"],
    message: "--loss: cross-entropy is refused: its gradient softmax(y) − onehot(t) involves exp, so it is not a rational number; use --loss mse or --output-weights V",
  },
  "grad-loss-unknown": { args: ["grad", SEED, "--at", "1,2", "--target", "1", "--loss", "l3"], message: '--loss: "l3" is not a loss tessera knows (mse; or --output-weights V for V·y)' },
  "grad-data-bad-row": { args: ["grad", SEED, "--data", "$dir/bad-row.csv"], message: '$dir/bad-row.csv: line 3, column 2: "zero" is not a rational number' },
  "grad-data-short-row": { args: ["grad", SEED, "--data", "$dir/short-row.csv"], message: "$dir/short-row.csv: line 2: has 2 values, each row needs 2 inputs then 1 target (3 values)" },
  "init-layers-zero": { args: ["init", "--layers", "2,0,1", "-o", "$dir/n.json"], message: "--layers: width 2: is 0; widths must be positive" },
  "init-layers-negative": { args: ["init", "--layers=2,-4,1", "-o", "$dir/n.json"], message: "--layers: width 2: is -4; widths must be positive" },
  "init-layers-word": { args: ["init", "--layers", "2,x,1", "-o", "$dir/n.json"], message: '--layers: width 2: "x" is not an integer' },
  "init-layers-one": { args: ["init", "--layers", "2", "-o", "$dir/n.json"], message: '--layers: "2" needs at least an input and an output width, e.g. "2,64,64,1"' },
  "init-unknown": { args: ["init", "--layers", "2,4,1", "--init", "glorot", "-o", "$dir/n.json"], message: '--init: "glorot" is not one of he, xavier, pytorch' },
  "init-seed": { args: ["init", "--layers", "2,4,1", "--seed", "-1", "-o", "$dir/n.json"], message: '--seed: "-1" is not a non-negative integer' },
  "init-bias": { args: ["init", "--layers", "2,4,1", "--bias", "big", "-o", "$dir/n.json"], message: '--bias: "big" is not a number' },
  "init-unwritable": { args: ["init", "--layers", "2,4,1", "-o", "$dir/no/such/n.json"], message: "$dir/no/such/n.json: cannot be written (ENOENT: its folder does not exist)" },
  "signal-samples-zero": { args: ["signal", SEED, "--samples", "0"], message: '--samples: "0" is not a positive integer' },
  "sparsity-samples-zero": { args: ["sparsity", SEED, "--samples", "0"], message: '--samples: "0" is not a positive integer' },
  "sparsity-data-bad-row": { args: ["sparsity", SEED, "--data", "$dir/bad-row.csv"], message: '$dir/bad-row.csv: line 2: has 3 values, the network takes 2 inputs' },
  "sparsity-unbounded": { args: ["sparsity", SEED, "--plane", "0,0;1,0;0,1"], message: "analysis/sparsity: the 2-D domain is unbounded; exact area fractions need a bounded domain (add --box)" },
};

describe("bad inputs (docs/errors.md: Gradients, initialisation, signal, sparsity)", () => {
  const doc = readFileSync(projectFile("docs/errors.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Gradients, initialisation, signal, sparsity"));
  for (const [id, row] of Object.entries(rows)) {
    it(id, async () => {
      const sub = (s: string): string => s.replaceAll("$dir", dir);
      const r = await cli(...row.args.map(sub));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`tessera: error: ${sub(row.message)}\n`);
      expect(section, `docs/errors.md has a row for ${id}`).toContain(`| ${id} |`);
    });
  }
});
