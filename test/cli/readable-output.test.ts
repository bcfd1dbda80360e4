// Human output a person can read: a rational whose numerator or denominator has more than 20 digits is printed
// as "≈ decimal (exact: shortened, N digits)" by every command (one formatter, src/exact/readable.ts), in full
// with --exact, and always in full in --json. The networks are relu(w·x) with w = 10^400, 10^30 or 1/3^50, so
// the expected values are hand computations: 7·10^400, 7/3^50 = 7/717897987691852588770249 ≈ 9.7507e-24.
// (Commands that split regions get 10^30: the engine's float proposals stop at the float range.)
import { describe, expect, it } from "vitest";
import { formatRational, parseRational, rat } from "../../src/exact/rational.js";
import { createProgram } from "../../src/cli/program.js";
import { cli, tempFiles } from "./run.js";

const THREE_50 = (3n ** 50n).toString(); // 717897987691852588770249, 24 digits
const dense = (w: string) => JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, layers: [{ type: "dense", weights: [[w]], bias: ["0"] }, { type: "relu" }] });
const files = tempFiles({
  "huge.json": dense("1e400"),
  "big.json": dense("1e30"),
  "tiny.json": dense(`1/${THREE_50}`),
  "boxed.json": JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, inputBox: [`0:1/${THREE_50}`], layers: [{ type: "relu" }] }),
  "unsafe.vnnlib": "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= Y_0 1))\n",
});
const HUGE = files["huge.json"]!;
const BIG = files["big.json"]!;
const TINY = files["tiny.json"]!;
const TEN_400 = "1" + "0".repeat(400);

describe("long rationals in human output", () => {
  it("eval: 7/3^50 is ≈ 9.7507e-24 with a shortened exact value; --exact and --json print it in full", async () => {
    expect((await cli("eval", TINY, "--input", "7")).stdout).toContain("output   ≈ 9.7507e-24 (exact: 7/7178…, 25 digits)");
    expect((await cli("eval", TINY, "--input", "7", "--exact")).stdout).toContain(`output   7/${THREE_50}`);
    expect(JSON.parse((await cli("eval", TINY, "--input", "7", "--json")).stdout).output).toEqual([`7/${THREE_50}`]);
  });

  it("eval: 7·10^400 is ≈ 7.0e+400, never Infinity", async () => {
    const out = (await cli("eval", HUGE, "--input", "7")).stdout;
    expect(out).toContain("output   ≈ 7.0e+400 (exact: 7000…, 401 digits)");
    expect(out).not.toContain("Infinity");
  });

  it("bounds: the maximum 10^400 on [0,1] is approximated; short values stay exact", async () => {
    const out = (await cli("bounds", HUGE, "--box", "0:1")).stdout;
    expect(out).toContain("min 0 at (0)");
    expect(out).toContain("max ≈ 1.0e+400 (exact: 1000…, 401 digits) at (1)");
    expect(JSON.parse((await cli("bounds", HUGE, "--box", "0:1", "--json")).stdout).outputs[0].max).toBe(TEN_400);
  });

  it("lipschitz: the constant 10^400 on [0,1]", async () => {
    expect((await cli("lipschitz", HUGE, "--box", "0:1")).stdout).toContain("lipschitz  ≈ 1.0e+400 (exact: 1000…, 401 digits)");
    expect((await cli("lipschitz", HUGE, "--box", "0:1", "--exact")).stdout).toContain(`lipschitz  ${TEN_400} (l-inf norm)`);
  });

  it("clarke: the Jacobians 0 and 10^30 at the kink", async () => {
    const out = (await cli("clarke", BIG, "--at", "0")).stdout;
    expect(out).toContain("J = [≈ 1.0e+30 (exact: 1000…, 31 digits)]");
    expect(out).toContain("interval   [0, ≈ 1.0e+30 (exact: 1000…, 31 digits)]");
  });

  it("jumps: the squared jump 10^60 and its root ≈ 1.0e+30", async () => {
    expect((await cli("jumps", BIG, "--box", "-1:1")).stdout).toContain("≈ 1.0e+60 (exact: 1000…, 61 digits) (≈ 1.0e+30)  ≈ 1.0e+30 (exact: 1000…, 31 digits)");
  });

  it("count and regions: a domain bound of 1/3^50 is shortened in the description and the witness", async () => {
    const box = `0:1/${THREE_50}`;
    expect((await cli("count", TINY, "--box", box)).stdout).toContain("domain    box 0:≈ 1.393e-24 (exact: 1/7178…, 25 digits)");
    expect((await cli("count", TINY, "--box", box, "--exact")).stdout).toContain(`domain    box 0:1/${THREE_50}`);
    expect((await cli("regions", TINY, "--box", box)).stdout).toMatch(/witness \(≈ [\d.]+e-2[45] \(exact: /);
  });

  it("verify: the counterexample's output (10^30 times its input) is approximated", async () => {
    const run = await cli("verify", BIG, "--property", files["unsafe.vnnlib"]!);
    expect(run.code).toBe(10);
    // X_0 is short (the search's point); Y_0 = 10^30·X_0 has more than 20 digits and is printed in full in JSON.
    const x = parseRational(/X_0 = (\S+)/.exec(run.stdout)![1]!);
    const json = JSON.parse((await cli("verify", BIG, "--property", files["unsafe.vnnlib"]!, "--json")).stdout);
    expect(json.counterexample.output).toEqual([formatRational(x.mul(rat(10n ** 30n)))]);
    expect(run.stdout).toMatch(/\n {2}Y_0 ≈ \d(\.\d+)?e\+\d+ \(exact: \d{4}…, \d+ digits\)\n/);
  });

  it("info: the network's input box 0:1/3^50", async () => {
    expect((await cli("info", files["boxed.json"]!)).stdout).toContain("input box   0:≈ 1.393e-24 (exact: 1/7178…, 25 digits)");
    expect((await cli("info", files["boxed.json"]!, "--exact")).stdout).toContain(`input box   0:1/${THREE_50}`);
  });

  it("every command takes --exact", async () => {
    const commands = createProgram({ io: { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false }, exitCode: 0 }).commands.map((c) => c.name());
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) expect((await cli(command, "--help")).stdout, command).toContain("--exact");
  });
});
