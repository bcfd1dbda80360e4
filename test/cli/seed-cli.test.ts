// The seed commands through the CLI (grad, init, signal, sparsity): their JSON against hand values, and the
// bad-input table of docs/errors.md's section "Gradients, initialisation, signal, sparsity" (every row a case).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cli, tempFiles } from "./run.js";

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

  it("--data: summed gradient and the neurons no row updated", async () => {
    const r = await cli("grad", SEED, "--data", files["train.csv"]!, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBe(2);
    expect(out.noUpdate).toEqual([{ layer: 0, neuron: 1 }]);
    expect(out.neverActive).toEqual([{ layer: 0, neuron: 1 }]);
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
};

describe("bad inputs (docs/errors.md: Gradients, initialisation, signal, sparsity)", () => {
  const doc = readFileSync("docs/errors.md", "utf8");
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
