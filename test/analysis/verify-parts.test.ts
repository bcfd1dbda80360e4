// The verifier in parts, re-entrant (worker threads run it side by side): no module of src/analysis keeps
// mutable state at module level, and two runs of the same problem give identical counters.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { loadNetwork } from "../../src/formats/load.js";
import "../../src/formats/index.js";
import { loadVnnlib } from "../../src/formats/vnnlib.js";
import { verify } from "../../src/analysis/verify.js";
import { problemFromVnnlib } from "../../src/analysis/problem.js";

const SRC = fileURLToPath(new URL("../../src/analysis", import.meta.url));
const TEST = fileURLToPath(new URL("../../fixtures/vnncomp/test", import.meta.url));

describe("verify is re-entrant", () => {
  it("no analysis module declares a mutable array or a `let` at module level (caches are WeakMaps keyed by network)", () => {
    const offenders: string[] = [];
    for (const f of readdirSync(SRC).filter((n) => n.endsWith(".ts"))) {
      readFileSync(`${SRC}/${f}`, "utf8")
        .split("\n")
        .forEach((line, i) => {
          const mutableLet = /^(export )?let /.test(line);
          const arrayConst = /^(export )?const \w+(: [^=]+)? = \[/.test(line) && !line.includes(" as const");
          if (mutableLet || arrayConst) offenders.push(`${f}:${i + 1}: ${line}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it("two runs on the same problem give the same certificate and counters", () => {
    const net = loadNetwork(`${TEST}/test_unsat.onnx`);
    const problem = problemFromVnnlib(loadVnnlib(`${TEST}/test_prop.vnnlib`));
    const a = verify(net, problem, { certificate: false });
    const b = verify(net, problem, { certificate: false });
    expect(a.result).toBe("holds");
    expect({ ...b.stats, elapsedMs: 0 }).toEqual({ ...a.stats, elapsedMs: 0 });
  });
});
