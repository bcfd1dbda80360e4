// verify, check (verification certificates), bounds, neurons and lipschitz through the CLI: exit codes 0/10/20,
// the VNN-COMP result file, JSON shapes, certificates re-checked by `tessera check` (and a corrupted one
// rejected), and every bad-input row of docs/errors.md "Verification, bounds, neurons, lipschitz".
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const TEST = fileURLToPath(new URL("../../fixtures/vnncomp/test", import.meta.url));
const ACAS = fileURLToPath(new URL("../../fixtures/acasxu", import.meta.url));
const files = tempFiles({
  // Hidden neurons: 0·x − 1 (dead on any box), x + 2 (active on [-1, 1]), x (unstable); output their sum.
  "net.json": JSON.stringify({
    format: "tessera-network",
    version: 1,
    inputs: 1,
    layers: [
      { type: "dense", weights: [["0"], ["1"], ["1"]], bias: ["-1", "2", "0"] },
      { type: "relu" },
      { type: "dense", weights: [["1", "1", "1"]], bias: ["0"] },
    ],
  }),
  "data.csv": "x\n-1/2\n0.5\n1\n",
  "bad-value.csv": "x\n-1/2\nx\n",
  "wide.csv": "1,2\n",
  "header-only.csv": "x\n",
  "five-inputs.vnnlib": "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const X_2 Real)\n(declare-const X_3 Real)\n(declare-const X_4 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 0))\n(assert (<= Y_0 0))\n",
  "polytope.vnnlib": "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(assert (<= (+ X_0 X_1) 1))\n(assert (>= X_0 0))\n(assert (>= X_1 0))\n(assert (<= Y_0 0))\n",
  "empty-box.vnnlib": "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 1))\n(assert (<= X_0 0))\n(assert (<= Y_0 0))\n",
  "net2.json": JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [["1", "1"]], bias: ["0"] }] }),
});
const dir = files.dir!;

describe("tessera verify", () => {
  it("holds: exit 0, a certificate that `tessera check` accepts, and a corrupted copy it rejects", async () => {
    const cert = join(dir, "cert.json");
    const r = await cli("verify", `${TEST}/test_unsat.onnx`, "--property", `${TEST}/test_prop.vnnlib`, "--certificate", cert, "--result-file", join(dir, "r1.txt"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("result       holds");
    expect(readFileSync(join(dir, "r1.txt"), "utf8")).toBe("unsat\n");
    const ok = await cli("check", cert, `${TEST}/test_unsat.onnx`);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("the property holds");
    // The embedded property made weaker (a bigger unsafe bound) without its hash: rejected as altered.
    const doc = JSON.parse(readFileSync(cert, "utf8")) as { problem: { disjuncts: { b: string }[][] } };
    doc.problem.disjuncts[0]![0]!.b = "1000";
    writeFileSync(join(dir, "bad-cert.json"), JSON.stringify(doc));
    const bad = await cli("check", join(dir, "bad-cert.json"), `${TEST}/test_unsat.onnx`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("the certificate was altered");
    expect(bad.stderr).toContain("check failed");
  });

  const unsatArgs = [`${TEST}/test_unsat.onnx`, "--property", `${TEST}/test_prop.vnnlib`];
  const ndjsonCert = join(dir, "cert.ndjson");

  it("--json prints no certificate; --certificate FILE.ndjson streams one after the same search", async () => {
    const plain = await cli("verify", ...unsatArgs, "--json");
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ result: "holds", certificate: null });
    const written = await cli("verify", ...unsatArgs, "--json", "--certificate", ndjsonCert);
    expect(JSON.parse(written.stdout)).toMatchObject({ result: "holds", certificate: ndjsonCert });
    expect(JSON.parse(written.stdout).stats.nodes).toBe(JSON.parse(plain.stdout).stats.nodes);
    const lines = readFileSync(ndjsonCert, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "tessera-verify-certificate", version: 2 });
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ end: true });
  });

  it("check accepts the NDJSON certificate with its --property, and rejects another property, a cut file, another network", async () => {
    const ok = await cli("check", ndjsonCert, `${TEST}/test_unsat.onnx`, "--property", `${TEST}/test_prop.vnnlib`);
    expect(ok.code).toBe(0);
    const other = await cli("check", ndjsonCert, `${TEST}/test_unsat.onnx`, "--property", `${TEST}/test_nano.vnnlib`);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("is not the property this certificate proves");
    expect(other.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    const lines = readFileSync(ndjsonCert, "utf8").trim().split("\n");
    writeFileSync(join(dir, "cut.ndjson"), lines.slice(0, -1).join("\n") + "\n");
    const cut = await cli("check", join(dir, "cut.ndjson"), `${TEST}/test_unsat.onnx`);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain("cut short");
    const wrongNet = await cli("check", ndjsonCert, `${TEST}/test_sat.onnx`);
    expect(wrongNet.code).toBe(1);
    expect(wrongNet.stderr).toContain("the certificate is for another network");
  });

  it("violated: exit 10, the counterexample in JSON and in the VNN-COMP result file", async () => {
    const res = join(dir, "r2.txt");
    const r = await cli("verify", `${TEST}/test_sat.onnx`, "--property", `${TEST}/test_prop.vnnlib`, "--json", "--result-file", res);
    expect(r.code).toBe(10);
    const out = JSON.parse(r.stdout) as { result: string; counterexample: { input: string[]; output: string[]; float32: { output: number[]; violates: boolean } }; elapsedMs: number; stats: object };
    expect(out.result).toBe("violated");
    expect(out.counterexample.input).toHaveLength(5);
    expect(out.counterexample.float32.output).toHaveLength(5);
    expect(out.counterexample.output).toHaveLength(5);
    expect(typeof out.elapsedMs).toBe("number");
    const text = readFileSync(res, "utf8");
    expect(text.startsWith("sat\n((X_0 ")).toBe(true);
    expect(text).toContain("(Y_4 ");
  });

  it("unknown: exit 20 when the timeout stops it, and `timeout` in the result file", async () => {
    const res = join(dir, "r3.txt");
    const r = await cli("verify", `${ACAS}/onnx/ACASXU_run2a_1_1_batch_2000.onnx`, "--property", `${ACAS}/vnnlib/prop_1.vnnlib`, "--timeout", "0.000001", "--result-file", res, "--json");
    expect(r.code).toBe(20);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: "unknown", counterexample: null, certificate: null });
    expect(readFileSync(res, "utf8")).toBe("timeout\n");
  });
});

describe("tessera bounds, neurons, lipschitz", () => {
  it("bounds --json: test_small on [-1, 1] is 61/2 to 157/2 with attaining inputs", async () => {
    const r = await cli("bounds", `${TEST}/test_small.onnx`, "--box=-1:1", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outputs: [{ min: "61/2", argmin: ["-1"], max: "157/2", argmax: ["1"] }], complete: true });
  });

  it("neurons --json with --data: statuses, proofs and activity", async () => {
    const r = await cli("neurons", files["net.json"]!, "--box=-1:1", "--data", files["data.csv"]!, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { neurons: { status: string; proof: string; activeOnData: number }[]; data: { deadOnData: unknown[]; activeShare: string[] } };
    expect(out.neurons.map((n) => n.status)).toEqual(["dead", "always-active", "unstable"]);
    expect(out.neurons.map((n) => n.activeOnData)).toEqual([0, 3, 2]);
    expect(out.data.activeShare).toEqual(["1/3", "2/3", "2/3"]);
  });

  it("lipschitz --json: relu(x+2) + relu(x) on [-1, 1] has slope up to 2", async () => {
    const r = await cli("lipschitz", files["net.json"]!, "--box=-1:1", "--norm", "inf", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ norm: "inf", constant: "2", complete: true });
  });
});

/** docs/errors.md, section "Verification, bounds, neurons, lipschitz": every row is a case here. */
const rows: Record<string, { args: string[]; message: string }> = {
  "verify-no-property": { args: ["verify", "$net"], message: "required option '--property <file>' not specified" },
  "verify-property-missing": { args: ["verify", "$net", "--property", "$dir/nope.vnnlib"], message: "$dir/nope.vnnlib: no such file" },
  "verify-property-sizes": { args: ["verify", "$net", "--property", "$dir/five-inputs.vnnlib"], message: "analysis/verify: the property has 5 inputs, the network takes 1" },
  "verify-polytope-input": {
    args: ["verify", "$dir/net2.json", "--property", "$dir/polytope.vnnlib"],
    message: "analysis/verify: $dir/polytope.vnnlib: input disjunct 0 is a general polytope; verify needs input boxes (bounds on each X_i)",
  },
  "verify-timeout": { args: ["verify", "$net", "--property", "$dir/polytope.vnnlib", "--timeout", "abc"], message: '--timeout: "abc" is not a positive number of seconds' },
  "verify-certificate-unwritable": {
    args: ["verify", `${TEST}/test_nano.onnx`, "--property", `${TEST}/test_nano.vnnlib`, "--certificate", "$dir/no/such/dir/c.json"],
    message: "--certificate: cannot write $dir/no/such/dir/c.json (ENOENT: its folder does not exist)",
  },
  "verify-empty-box": { args: ["verify", "$net", "--property", "$dir/empty-box.vnnlib"], message: "$dir/empty-box.vnnlib: line 3, column 9: input box 0 is empty: X_0 ≥ 1 and ≤ 0" },
  "lipschitz-norm": { args: ["lipschitz", "$net", "--box=-1:1", "--norm", "2"], message: '--norm: "2" is not a norm tessera computes (inf or 1)' },
  "neurons-data-missing": { args: ["neurons", "$net", "--box=-1:1", "--data", "$dir/nope.csv"], message: "$dir/nope.csv: no such file" },
  "neurons-data-value": { args: ["neurons", "$net", "--box=-1:1", "--data", "$dir/bad-value.csv"], message: '$dir/bad-value.csv: line 3, column 1: "x" is not a rational number' },
  "neurons-data-width": { args: ["neurons", "$net", "--box=-1:1", "--data", "$dir/wide.csv"], message: "$dir/wide.csv: line 1: has 2 values, the network takes 1 inputs" },
  "neurons-data-empty": { args: ["neurons", "$net", "--box=-1:1", "--data", "$dir/header-only.csv"], message: "$dir/header-only.csv: has no data rows" },
};

describe("bad inputs (docs/errors.md: Verification, bounds, neurons, lipschitz)", () => {
  const doc = readFileSync(projectFile("docs/errors.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Verification, bounds, neurons, lipschitz"));
  for (const [id, row] of Object.entries(rows)) {
    it(id, async () => {
      const sub = (s: string): string => s.replaceAll("$net", files["net.json"]!).replaceAll("$dir", dir);
      const r = await cli(...row.args.map(sub));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(sub(row.message));
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toContain("    at ");
      expect(section, `docs/errors.md has a row for ${id}`).toContain(`| ${id} |`);
    });
  }
});
