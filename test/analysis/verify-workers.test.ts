// `verify` on worker threads (src/analysis/verify-pool.ts): the same verdict, node count and holds certificate
// (byte for byte) as the in-process search on 2 and 3 threads, certificates from threads accepted by the
// independent checker, counterexamples found by the threads' branch and bound (the quick search of step 1 is
// turned off) re-checked with a plain exact forward pass, the stop flag ending a search at the next node (the
// pool waits for every thread to stop before it answers), and the CLI's --workers on verify (with its bad values).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import "../../src/formats/index.js";
import { loadVnnlib } from "../../src/formats/vnnlib.js";
import { evaluate } from "../../src/network/evaluate.js";
import { rat, rationalToNumber } from "../../src/exact/rational.js";
import { caseContexts, verify, type VerifyOutcome } from "../../src/analysis/verify.js";
import { branchAndBound } from "../../src/analysis/branch-and-bound.js";
import { floatNet } from "../../src/analysis/float-net.js";
import { verifyOnThreads } from "../../src/analysis/verify-pool.js";
import { problemFromVnnlib, type VerificationProblem } from "../../src/analysis/problem.js";
import { checkVerifyCertificate } from "../../src/analysis/certificate-check.js";
import type { Network } from "../../src/network/ir.js";
import { cli, tempFiles } from "../cli/run.js";

const TEST = fileURLToPath(new URL("../../fixtures/vnncomp/test", import.meta.url));
const ACAS = fileURLToPath(new URL("../../fixtures/acasxu", import.meta.url));
const acas = (net: string, prop: number): [string, string] => [`${ACAS}/onnx/ACASXU_run2a_${net}_batch_2000.onnx`, `${ACAS}/vnnlib/prop_${prop}.vnnlib`];
const load = ([net, prop]: [string, string]): { net: Network; problem: VerificationProblem } => ({ net: loadNetwork(net), problem: problemFromVnnlib(loadVnnlib(prop)) });
/** No random points and no descent before branching: the counterexample must come from the branch and bound. */
const NO_QUICK_SEARCH = { randomPoints: 0, starts: 0 };

const asJson = (o: VerifyOutcome): string => JSON.stringify(o.result === "holds" ? o.certificate : null);

describe("verify --workers: the in-process answer on 2 and 3 threads", () => {
  const holds: [string, [string, string], boolean][] = [
    ["test_small", [`${TEST}/test_small.onnx`, `${TEST}/test_small.vnnlib`], true],
    ["test_unsat", [`${TEST}/test_unsat.onnx`, `${TEST}/test_prop.vnnlib`], true],
    ["ACAS Xu 1_4 prop 3", acas("1_4", 3), true],
    ["ACAS Xu 1_1 prop 1", acas("1_1", 1), false],
  ];
  for (const [name, files, check] of holds) {
    it(`${name} holds with the same nodes and the same certificate${check ? ", accepted by the checker" : ""}`, async () => {
      const { net, problem } = load(files);
      const one = verify(net, problem, { certificate: true });
      expect(one.result).toBe("holds");
      let donations = 0;
      for (const workers of [2, 3]) {
        const many = await verifyOnThreads(net, problem, workers, { certificate: true });
        donations += many.stats.donations ?? 0;
        expect(many.result).toBe("holds");
        expect(many.stats.nodes).toBe(one.stats.nodes);
        expect(many.stats.leaves).toBe(one.stats.leaves);
        expect(many.stats.maxDepth).toBe(one.stats.maxDepth);
        expect(asJson(many)).toBe(asJson(one));
        if (check && many.result === "holds") {
          const doc = JSON.parse(JSON.stringify(many.certificate)) as Record<string, unknown>;
          expect(checkVerifyCertificate(net, problem, { kind: "json", doc }).leaves).toBe(many.stats.leaves);
        }
      }
      // The tree of ACAS Xu 1_1 prop 1 is big enough to be shared out: donations happen.
      if (!check) expect(donations).toBeGreaterThan(0);
    });
  }

  // Without the quick search, ACAS Xu 1_2 prop 2's counterexample is found by the branch and bound (~78 nodes).
  const violated: [string, [string, string]][] = [["ACAS Xu 1_2 prop 2", acas("1_2", 2)]];
  for (const [name, files] of violated) {
    it(`${name} is violated, found by the threads' branch and bound, re-checked exactly`, async () => {
      const { net, problem } = load(files);
      expect(verify(net, problem, { search: NO_QUICK_SEARCH }).result).toBe("violated");
      for (const workers of [2, 3]) {
        const out = await verifyOnThreads(net, problem, workers, { search: NO_QUICK_SEARCH });
        expect(out.result).toBe("violated");
        // Found on the threads (not by the root's proposals before them).
        expect(out.stats.workers).toBe(workers);
        if (out.result !== "violated") return;
        // A plain forward pass: the input is in a box of the spec and the output satisfies an unsafe conjunction.
        const cx = out.counterexample;
        const y = evaluate(net, cx.input).output;
        expect(y.map(String)).toEqual(cx.output.map(String));
        expect(problem.boxes.some((b) => cx.input.every((x, i) => x.compare(b.lo[i]!) >= 0 && x.compare(b.hi[i]!) <= 0))).toBe(true);
        const unsafe = problem.disjuncts.some((conj) => conj.every((c) => {
          const lhs = c.a.reduce((s, a, i) => s.add(a.mul(y[i]!)), rat(0));
          return c.strict ? lhs.compare(c.b) < 0 : lhs.compare(c.b) <= 0;
        }));
        expect(unsafe).toBe(true);
      }
    });
  }

  it("a thread stops at the next node once the stop flag is up (ACAS Xu 3_3 prop 2: ~25,600 nodes)", () => {
    const { net, problem } = load(acas("3_3", 2));
    const stats = { nodes: 0, maxDepth: 0 };
    const counters = { points: 0, exactChecks: 0 };
    const context = caseContexts(net, problem, floatNet(net), { deadline: Infinity }, stats, counters)(0, 0);
    const box = { lo: Float64Array.from(problem.boxes[0]!.lo.map((v) => rationalToNumber(v))), hi: Float64Array.from(problem.boxes[0]!.hi.map((v) => rationalToNumber(v))) };
    let polls = 0;
    const out = branchAndBound(context, { ...box, loIn: box.lo, hiIn: box.hi, depth: 0 }, Infinity, { poll: () => (++polls > 5 ? "stop" : undefined), donate: () => undefined, countNode: () => polls });
    expect(out).toEqual({ reason: "stopped" });
    expect(stats.nodes).toBe(5);
  });

  it("a timeout gives unknown on threads too", async () => {
    const { net, problem } = load(acas("1_1", 1));
    const out = await verifyOnThreads(net, problem, 2, { timeoutSeconds: 1e-6 });
    expect(out.result).toBe("unknown");
  });
});

describe("tessera verify --workers", () => {
  it("gives the same answer and certificate on 2 threads as on 1", async () => {
    const [net, prop] = acas("1_4", 3);
    const { dir } = tempFiles({});
    const runs = [];
    for (const w of ["1", "2"]) {
      const cert = join(dir!, `cert-${w}.json`);
      const r = await cli(...["verify", net, "--property", prop, "--workers", w, "--certificate", cert, "--json"]);
      expect(r.code).toBe(0);
      runs.push({ out: JSON.parse(r.stdout) as { result: string; stats: { nodes: number; workers?: number } }, cert: readFileSync(cert, "utf8") });
    }
    expect(runs.map((r) => r.out.result)).toEqual(["holds", "holds"]);
    expect(runs[1]!.out.stats.nodes).toBe(runs[0]!.out.stats.nodes);
    expect(runs[1]!.out.stats.workers).toBe(2);
    expect(runs[1]!.cert).toBe(runs[0]!.cert);
  });

  for (const bad of ["0", "-1", "abc", "1.5"]) {
    it(`refuses --workers ${bad}`, async () => {
      const [net, prop] = acas("1_4", 3);
      const r = await cli(...["verify", net, "--property", prop, "--workers", bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^tessera: error: --workers: .*\n$/);
    });
  }
});
