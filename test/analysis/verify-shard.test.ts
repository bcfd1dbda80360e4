// `verify --shard i/N` and `tessera merge` of verify parts (src/analysis/verify-shard.ts, src/cli/verify-part.ts):
// for N = 1, 2, 5 the merged verdict is the one-run verdict — a holds answer with the same node and leaf counts
// and the same certificate byte for byte (accepted by the independent checker), a violated answer with a
// counterexample re-checked by a plain exact forward pass — and every bad input of the merge (a missing part, a
// part of another network, property or shard count, a part given twice, an edited counterexample, a truncated
// file) and of the flags is refused or reported incomplete.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import "../../src/formats/index.js";
import { loadVnnlib } from "../../src/formats/vnnlib.js";
import { verify } from "../../src/analysis/verify.js";
import { mergeVerifyShards, shareOf, verifyShard, type ShardPart } from "../../src/analysis/verify-shard.js";
import { problemFromVnnlib, type VerificationProblem } from "../../src/analysis/problem.js";
import { checkVerifyCertificate } from "../../src/analysis/certificate-check.js";
import { readVerifyPart, verifyPartDoc } from "../../src/cli/verify-part.js";
import type { Network } from "../../src/network/ir.js";
import { cli, tempFiles } from "../cli/run.js";
import { isUnsafeInput } from "./unsafe-input.js";
import { TWO_LAYER_NET_JSON } from "../regions/helpers.js";
import { Ajv } from "ajv";
import { projectFile } from "../project.js";

const ACAS = fileURLToPath(new URL("../../fixtures/acasxu", import.meta.url));
const acas = (net: string, prop: number): [string, string] => [`${ACAS}/onnx/ACASXU_run2a_${net}_batch_2000.onnx`, `${ACAS}/vnnlib/prop_${prop}.vnnlib`];
const load = ([net, prop]: [string, string]): { net: Network; problem: VerificationProblem } => ({ net: loadNetwork(net), problem: problemFromVnnlib(loadVnnlib(prop)) });
/** No random points and no descent before branching: the counterexample must come from the branch and bound. */
const NO_QUICK_SEARCH = { randomPoints: 0, starts: 0 };
const SETTINGS = { split: "input", unitsPerShard: 8 } as const;

/** Every shard of N run in this process, each part written to JSON text and read back as merge reads it. */
function shardParts(net: Network, problem: VerificationProblem, count: number, options: Parameters<typeof verifyShard>[4] = {}): ShardPart[] {
  return Array.from({ length: count }, (_, k) => {
    const shard = verifyShard(net, problem, k + 1, count, options);
    const text = JSON.stringify(verifyPartDoc(shard, { net, problem, shard: { index: k + 1, count }, files: { network: "net.onnx", property: "prop.vnnlib" }, settings: SETTINGS }));
    return { file: `part-${k + 1}`, index: k + 1, shard: readVerifyPart(JSON.parse(text), `part-${k + 1}`).shard };
  });
}

describe("verify --shard i/N + merge: the one-run verdict for N = 1, 2, 5", () => {
  const files = { network: "net.onnx", property: "prop.vnnlib" };
  let single: { net: Network; problem: VerificationProblem; one: ReturnType<typeof verify> } | undefined;
  const holdsCase = (): NonNullable<typeof single> => {
    if (single) return single;
    const { net, problem } = load(acas("2_2", 1));
    return (single = { net, problem, one: verify(net, problem, { certificate: true, files }) });
  };
  for (const count of [1, 2, 5]) {
    it(`ACAS Xu 2_2 prop 1 holds on ${count} shard(s): same nodes, leaves and certificate as one run; the checker accepts it`, () => {
      const { net, problem, one } = holdsCase();
      expect(one.result).toBe("holds");
      const parts = shardParts(net, problem, count);
      // The units are dealt out: every shard runs some (the tree of 2_2 prop 1 is wide enough for 8·N units).
      for (const p of parts) expect(p.shard.closed.length).toBeGreaterThan(0);
      const merged = mergeVerifyShards(net, problem, parts, count, { certificate: true, files });
      expect(merged.complete).toBe(true);
      expect(merged.outcome.result).toBe("holds");
      expect(merged.outcome.stats.nodes).toBe(one.stats.nodes);
      expect(merged.outcome.stats.leaves).toBe(one.stats.leaves);
      if (merged.outcome.result !== "holds" || one.result !== "holds") return;
      expect(JSON.stringify(merged.outcome.certificate)).toBe(JSON.stringify(one.certificate));
      const doc = JSON.parse(JSON.stringify(merged.outcome.certificate)) as Record<string, unknown>;
      expect(checkVerifyCertificate(net, problem, { kind: "json", doc }).leaves).toBe(one.stats.leaves);
    }, 180_000);
  }

  it("ACAS Xu 1_2 prop 2 is violated (found by the shards' branch and bound), re-checked by a plain forward pass", () => {
    const { net, problem } = load(acas("1_2", 2));
    for (const count of [1, 2, 5]) {
      const parts = shardParts(net, problem, count, { search: NO_QUICK_SEARCH });
      const merged = mergeVerifyShards(net, problem, parts, count);
      expect(merged.outcome.result).toBe("violated");
      if (merged.outcome.result !== "violated") return;
      expect(isUnsafeInput(net, problem, merged.outcome.counterexample.input)).toBe(true);
    }
  }, 180_000);

  it("a missing shard, or a shard stopped by the timeout, gives unknown with complete: false", () => {
    const { net, problem } = load(acas("2_2", 1));
    const parts = shardParts(net, problem, 2);
    const missing = mergeVerifyShards(net, problem, parts.slice(1), 2);
    expect(missing).toMatchObject({ complete: false, missingShards: [1], outcome: { result: "unknown" } });
    const stopped = shardParts(net, problem, 2, { timeoutSeconds: 1e-6 });
    expect(stopped.every((p) => !p.shard.complete)).toBe(true);
    expect(mergeVerifyShards(net, problem, stopped, 2)).toMatchObject({ complete: false, outcome: { result: "unknown" } });
  }, 180_000);

  it("the share of shard i of N is every N-th unit, and the shares tile the units", () => {
    const units = Array.from({ length: 23 }, (_, k) => k);
    for (const count of [1, 2, 5, 23, 30]) {
      const shares = Array.from({ length: count }, (_, k) => shareOf(units, k + 1, count));
      expect(shares.flat().sort((a, b) => a - b)).toEqual(units);
      shares.forEach((s, k) => s.forEach((u) => expect(u % count).toBe(k)));
    }
  });
});

describe("tessera verify --shard and tessera merge of verify parts", () => {
  const [net22, prop1] = acas("2_2", 1);
  const { dir } = tempFiles({});
  const part = (name: string): string => join(dir!, name);
  const shards = async (count: number, prefix: string, netFile = net22, prop = prop1): Promise<string[]> => {
    const files: string[] = [];
    for (let i = 1; i <= count; i++) {
      const out = part(`${prefix}-${i}.json`);
      const r = await cli("verify", netFile, "--property", prop, "--shard", `${i}/${count}`, "-o", out, "--json");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ shard: { index: i, count }, part: out });
      files.push(out);
    }
    return files;
  };

  it("2 shards merge into holds (exit 0) with a certificate that `tessera check` accepts", async () => {
    const files = await shards(2, "ok");
    const cert = part("cert.json");
    const r = await cli("merge", ...files, "--certificate", cert, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: "holds", complete: true, shards: { count: 2, merged: 2 }, certificate: cert });
    const check = await cli("check", cert, net22, "--property", prop1);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/the property holds/);
    // The parts validate against docs/schema/part.schema.json, and the schema can fail.
    const ajv = new Ajv({ allErrors: true });
    ajv.addSchema(JSON.parse(readFileSync(projectFile("docs/schema/work-unit.schema.json"), "utf8")) as object, "work-unit.schema.json");
    const validate = ajv.compile(JSON.parse(readFileSync(projectFile("docs/schema/part.schema.json"), "utf8")) as object);
    for (const file of files) expect(validate(JSON.parse(readFileSync(file, "utf8"))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    const broken = JSON.parse(readFileSync(files[0]!, "utf8")) as { result: string };
    broken.result = "probably";
    expect(validate(broken)).toBe(false);
  }, 180_000);

  it("bad parts: missing (unknown, complete: false, exit 20), another network, another property, twice, another N, truncated, an edited counterexample", async () => {
    const two = await shards(2, "b2");
    const missing = await cli("merge", two[0]!, "--json");
    expect(missing.code).toBe(20);
    expect(JSON.parse(missing.stdout)).toMatchObject({ result: "unknown", complete: false, missingShards: [2] });
    expect(missing.stderr).toMatch(/missing: 2/);
    const [net31] = acas("3_1", 1);
    const otherNet = await shards(2, "net31", net31);
    const prop2 = acas("2_2", 2)[1];
    const otherProp = await shards(1, "prop2", net22, prop2);
    const five = await shards(1, "five");
    const countPart = part("count-part.json");
    const twoLayer = part("two-layer.json");
    writeFileSync(twoLayer, TWO_LAYER_NET_JSON);
    expect((await cli("count", twoLayer, "--box=-2:2", "--shard", "1/2", "-o", countPart, "--workers", "1")).code).toBe(0);
    // A part of N = 1 against one of N = 2 (the same network and property): another shard count.
    const cases: [string[], RegExp][] = [
      [[two[0]!, otherNet[1]!], /network: is another network than in/],
      [[two[0]!, otherProp[0]!], /property: is another property than in/],
      [[two[0]!, two[0]!], /shard\.index: shard 1\/2 is also .*: a shard given twice/],
      [[two[0]!, five[0]!], /shard\.count: is 1 but .* was cut into 2 shards/],
      [[two[0]!, countPart], /count-part\.json: command: is another command \("count"\) than in .* \("verify"\)/],
      [[countPart, two[0]!], /b2-1\.json: command: is another command \("verify"\) than in .* \("count"\)/],
    ];
    for (const [files, message] of cases) {
      const r = await cli("merge", ...files);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    }
    const truncated = part("truncated.json");
    writeFileSync(truncated, readFileSync(two[1]!, "utf8").slice(0, 500));
    const t = await cli("merge", two[0]!, truncated);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/truncated\.json: is not a complete JSON document/);
    // A forged counterexample: the box's lower corner, whose output is safe (the property holds).
    const forged = part("forged.json");
    const doc = JSON.parse(readFileSync(two[1]!, "utf8")) as { problem: { boxes: { lo: string[] }[] }; result: string; counterexample?: unknown };
    doc.result = "violated";
    doc.counterexample = { box: 0, input: doc.problem.boxes[0]!.lo };
    writeFileSync(forged, JSON.stringify(doc));
    const f = await cli("merge", two[0]!, forged);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/forged\.json: counterexample: fails the exact re-check/);
    // A part whose unit trees were dropped cannot say holds.
    const dropped = part("dropped.json");
    const d = JSON.parse(readFileSync(two[1]!, "utf8")) as { verify: { closed: unknown[] } };
    d.verify.closed = d.verify.closed.slice(1);
    writeFileSync(dropped, JSON.stringify(d));
    const g = await cli("merge", two[0]!, dropped);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/dropped\.json: verify\.closed: unit .* has no closed tree/);
  }, 300_000);

  const flagCases: [string[], RegExp][] = [
    [["--shard", "3/2", "-o", "x.json"], /--shard: "3\/2": the shard index i must be between 1 and N = 2/],
    [["--shard", "0/3", "-o", "x.json"], /--shard: "0\/3": the shard index i must be between 1 and N = 3/],
    [["--shard", "a/b", "-o", "x.json"], /--shard: "a\/b" is not of the form i\/N/],
    [["--shard", "1/0", "-o", "x.json"], /--shard: "1\/0": the number of shards N must be at least 1/],
    [["--shard", "1/2"], /--shard: needs -o PART/],
    [["--shard", "1/2", "-o", "x.json", "--certificate", "c.json"], /--certificate: does not combine with --shard/],
    [["--shard", "1/2", "-o", "x.json", "--workers", "2"], /--workers: verify --shard runs its share of the tree in this thread/],
    [["-o", "x.json"], /-o: is the part file of --shard/],
  ];
  for (const [flags, message] of flagCases) {
    it(`verify ${flags.join(" ")} is refused in one line`, async () => {
      const r = await cli("verify", net22, "--property", prop1, ...flags);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    });
  }
});
