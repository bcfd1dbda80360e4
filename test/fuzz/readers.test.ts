// The fuzz suite (docs/errors.md, "Fuzzing"): for every reader, valid documents with one field mutated go
// through the real CLI, and every run must give a result or one line `tessera: error: …` / `tessera: check
// failed: …` with exit 1 — never an internal error, a stack trace or a hang. `npm test` runs a few inputs per
// reader with a fixed seed; `npm run fuzz` runs each reader for FUZZ_SECONDS with a random seed (fast-check
// prints the seed and the shrunk input of a failure; each failure found becomes a case in test/cli/hostile.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { cli } from "../cli/run.js";
import { onnxModel, type NodeSpec, type TensorSpec } from "../formats/onnx-model.js";
import { expectHandled, fuzzParameters, hostileValue, jsonMutation, mutateJson, mutateText, textMutation } from "./mutate.js";

const SEED = "fixtures/seed-three-neurons.json";
const HEADER = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n";
const PROPERTY = `${HEADER}(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (or (and (>= X_1 -1) (<= X_1 0)) (and (>= X_1 0) (<= X_1 1))))\n(assert (>= (+ Y_0 (* 2 Y_0)) 30))\n`;
const NNET = ["// a 2-2-1 network", "2,2,1,2,", "2,2,1,", "0,", "-1.0,-1.0,", "1.0,1.0,", "0.0,0.0,0.0,", "1.0,1.0,1.0,", "1.0,-2.0,", "-1,1,", "0.0,", "1.0,", "1.0,0.5,", "0.25,", ""].join("\n");
const LIMITS = ["--max-regions", "40", "--timeout", "3"];
const RUNS = 12;

let dir = "";
let counter = 0;
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
};
const read = (path: string): string => readFileSync(path, "utf8");
const seedDoc = JSON.parse(readFileSync(SEED, "utf8")) as unknown;

/** Run the CLI and check the invariant; `what` describes the input for the failure message. */
async function handled(what: string, ...args: string[]): Promise<void> {
  expectHandled(await cli(...args), `${what}: tessera ${args.join(" ").slice(0, 400)}`);
}

const generated: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tessera-fuzz-"));
  const out = (name: string): string => (generated[name] = join(dir, name));
  await cli("regions", SEED, "--box=-1:1", "--vertices", "--json", "-o", out("map.json"));
  await cli("regions", SEED, "--box=-1:1", "--ndjson", "-o", out("map.ndjson"));
  await cli("graph", SEED, "--box=-1:1", "--json", "-o", out("graph.json"));
  await cli("count", SEED, "--box=-1:1", "--shard", "1/2", "-o", out("part1.json"));
  await cli("count", SEED, "--box=-1:1", "--shard", "2/2", "-o", out("part2.json"));
  await cli("count", SEED, "--box=-1:1", "--checkpoint", out("checkpoint.json"));
  const property = file("p.vnnlib", `${HEADER}(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= X_1 -1))\n(assert (<= X_1 1))\n(assert (>= Y_0 10))\n`);
  generated.property = property;
  await cli("verify", SEED, "--property", property, "--certificate", out("cert.json"));
  await cli("verify", SEED, "--property", property, "--certificate", out("cert.ndjson"));
  // A certificate with split nodes: the leaf proof holds on every sub-box, so three splits at x0 = 0, 1/2, 3/4 verify.
  const cert = JSON.parse(read(generated["cert.json"]!));
  const leaf = cert.cases[0].tree;
  const split = (at: string, right: unknown) => ({ split: { dim: 0, at }, children: [leaf, right] });
  cert.cases[0].tree = split("0", split("1/2", split("3/4", leaf)));
  writeFileSync(out("cert-splits.json"), JSON.stringify(cert));
});

describe("fuzz: one field of a valid document mutated, through every reader", () => {
  it("tessera JSON networks (info, eval, count)", async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation, async (m) => {
        const net = file("net.json", JSON.stringify(mutateJson(seedDoc, m)));
        await handled(JSON.stringify(m), "info", net);
        await handled(JSON.stringify(m), "eval", net, "--input", "1/2,-1");
        await handled(JSON.stringify(m), "count", net, "--box=-1:1", ...LIMITS);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("ONNX models: shapes, attributes, op types, names and weights mutated, and bytes cut or flipped", async () => {
    const op = fc.constantFrom("Gemm", "MatMul", "Relu", "Add", "Sub", "Mul", "LeakyRelu", "Clip", "Reshape", "Flatten", "Conv", "Softmax", "Sigmoid", "Identity", "Concat", "Transpose", "MaxPool", "BatchNormalization", "Fancy");
    const dim = fc.oneof(fc.constantFrom(1, 2, 3, 0, -5, 2 ** 31, 10 ** 12), fc.integer({ min: -2, max: 6 }));
    const spec = fc.record({
      input: fc.oneof(fc.constant<(number | string)[]>([1, 2]), fc.array(fc.oneof(dim, fc.constantFrom("N", "")), { minLength: 0, maxLength: 4 })),
      firstOp: op,
      secondOp: op,
      wDims: fc.oneof(fc.constant([3, 2]), fc.array(dim, { maxLength: 3 })),
      values: fc.array(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, 1e38, -0)), { maxLength: 8 }),
      alpha: fc.oneof(fc.constant<NodeSpec["attrs"]>({ transB: 1 }), fc.constant<NodeSpec["attrs"]>({ alpha: { string: "2" } }), fc.constant<NodeSpec["attrs"]>({ transB: 7, axis: -9 }), fc.constant<NodeSpec["attrs"]>({})),
      wrongName: fc.boolean(),
      bytes: fc.option(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const w: TensorSpec = { name: "w", dims: s.wDims, values: s.values.length ? s.values : [1, 2, 3, 4, 5, 6] };
        let bytes: Uint8Array;
        try {
          bytes = onnxModel({
            input: s.input,
            nodes: [
              { op: s.firstOp, inputs: ["x", "w"], outputs: ["h"], name: "first", attrs: s.alpha ?? {} },
              { op: s.secondOp, inputs: [s.wrongName ? "nope" : "h"], outputs: ["y"], name: "second" },
            ],
            initializers: [w],
          });
        } catch {
          return; // the encoder itself refuses (e.g. a dimension beyond int64): not an input tessera can be given
        }
        if (s.bytes) {
          bytes = s.bytes.cut ? bytes.slice(0, s.bytes.at % (bytes.length + 1)) : bytes.slice();
          if (!s.bytes.cut && bytes.length) bytes[s.bytes.at % bytes.length] = s.bytes.value;
        }
        const path = file("m.onnx", bytes);
        await handled(JSON.stringify(s), "info", path);
        await handled(JSON.stringify(s), "count", path, ...LIMITS);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("NNET files (info, count)", async () => {
    await fc.assert(
      fc.asyncProperty(textMutation, fc.boolean(), async (m, normalize) => {
        const path = file("n.nnet", mutateText(NNET, m));
        await handled(JSON.stringify(m), "info", path, ...(normalize ? ["--nnet-normalize"] : []));
        await handled(JSON.stringify(m), "count", path, ...LIMITS);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("VNN-LIB properties (verify, count, bounds)", async () => {
    await fc.assert(
      fc.asyncProperty(textMutation, async (m) => {
        const path = file("p.vnnlib", mutateText(PROPERTY, m));
        await handled(JSON.stringify(m), "verify", SEED, "--property", path, "--timeout", "3");
        await handled(JSON.stringify(m), "count", SEED, "--property", path, ...LIMITS);
        await handled(JSON.stringify(m), "bounds", SEED, "--property", path, ...LIMITS);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("domain flags and files (--box, --line, --plane, --domain, --input)", async () => {
    const domain = { A: [["1", "0"], ["-1", "0"], ["0", "1"], ["0", "-1"]], b: ["1", "1", "1/2", "1"] };
    await fc.assert(
      fc.asyncProperty(textMutation, jsonMutation, async (t, j) => {
        const what = JSON.stringify([t, j]);
        await handled(what, "count", SEED, `--box=${mutateText("-1:1,-1/2:1", t)}`, ...LIMITS);
        await handled(what, "count", SEED, "--line", mutateText("0,0;1,1", t), ...LIMITS);
        await handled(what, "count", SEED, "--plane", mutateText("0,0;1,0;0,1", t), "--box=-1:1", ...LIMITS);
        await handled(what, "eval", SEED, "--input", mutateText("3,1/2", t));
        await handled(what, "count", SEED, "--domain", file("d.json", JSON.stringify(mutateJson(domain, j))), ...LIMITS);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("region maps, JSON (with vertices) and NDJSON (check)", async () => {
    const json = JSON.parse(read(generated["map.json"]!)) as unknown;
    const lines = read(generated["map.ndjson"]!).trimEnd().split("\n").map((l) => JSON.parse(l) as unknown);
    await fc.assert(
      fc.asyncProperty(jsonMutation, fc.nat(), async (m, line) => {
        await handled(JSON.stringify(m), "check", file("map.json", JSON.stringify(mutateJson(json, m))), SEED);
        const k = line % lines.length;
        const ndjson = lines.map((l, i) => JSON.stringify(i === k ? mutateJson(l, m) : l)).join("\n") + "\n";
        await handled(`line ${k}: ${JSON.stringify(m)}`, "check", file("map.ndjson", ndjson), SEED);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("graph files (check)", async () => {
    const graph = JSON.parse(read(generated["graph.json"]!)) as unknown;
    await fc.assert(
      fc.asyncProperty(jsonMutation, async (m) => {
        await handled(JSON.stringify(m), "check", file("graph.json", JSON.stringify(mutateJson(graph, m))), SEED);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("verification certificates, JSON (with splits) and NDJSON (check, with and without --property)", async () => {
    const json = JSON.parse(read(generated["cert-splits.json"]!)) as unknown;
    const lines = read(generated["cert.ndjson"]!).trimEnd().split("\n").map((l) => JSON.parse(l) as unknown);
    await fc.assert(
      fc.asyncProperty(jsonMutation, fc.nat(), async (m, line) => {
        await handled(JSON.stringify(m), "check", file("cert.json", JSON.stringify(mutateJson(json, m))), SEED);
        const k = line % lines.length;
        const ndjson = lines.map((l, i) => JSON.stringify(i === k ? mutateJson(l, m) : l)).join("\n") + "\n";
        await handled(`line ${k}: ${JSON.stringify(m)}`, "check", file("cert.ndjson", ndjson), SEED, "--property", generated.property!);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("part and checkpoint files (merge, --resume)", async () => {
    const part1 = JSON.parse(read(generated["part1.json"]!)) as unknown;
    const part2 = generated["part2.json"]!;
    const checkpoint = JSON.parse(read(generated["checkpoint.json"]!)) as unknown;
    await fc.assert(
      fc.asyncProperty(jsonMutation, async (m) => {
        await handled(JSON.stringify(m), "merge", file("part.json", JSON.stringify(mutateJson(part1, m))), part2, "--json");
        await handled(JSON.stringify(m), "count", SEED, "--box=-1:1", "--resume", file("checkpoint.json", JSON.stringify(mutateJson(checkpoint, m))));
      }),
      fuzzParameters(RUNS),
    );
  });

  it("CSV data files (neurons --data, grad --data)", async () => {
    const csv = "x0,x1\n0,0\n1/2,-1\n-1,1\n";
    await fc.assert(
      fc.asyncProperty(textMutation, async (m) => {
        const path = file("d.csv", mutateText(csv, m));
        await handled(JSON.stringify(m), "neurons", SEED, "--box=-1:1", "--data", path, ...LIMITS);
        await handled(JSON.stringify(m), "grad", SEED, "--data", path, "--output-weights", "1");
      }),
      fuzzParameters(RUNS),
    );
  });

  it("a hostile value anywhere in a flag", async () => {
    const flags = ["--max-regions", "--timeout", "--workers", "--max-file-size", "--max-parameters", "--output-index"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...flags), hostileValue, async (flag, value) => {
        await handled(`${flag} ${JSON.stringify(value)}`, "count", SEED, "--box=-1:1", "--max-regions", "40", `${flag}=${typeof value === "string" ? value : JSON.stringify(value)}`);
      }),
      fuzzParameters(RUNS),
    );
  });

  it("a hostile value of --max-hform-entries (the commands that certify H-forms)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("regions", "graph", "bounds"), hostileValue, async (command, value) => {
        await handled(`${command} --max-hform-entries ${JSON.stringify(value)}`, command, SEED, "--box=-1:1", "--max-regions", "40", "--json", `--max-hform-entries=${typeof value === "string" ? value : JSON.stringify(value)}`);
      }),
      fuzzParameters(RUNS),
    );
  });
});
