// The dyadic fast path (float networks: fixed-point affine maps with rank-k updates, dyadic certificates)
// against the rational path and the independent checker: the same network with its inputs rescaled by 3
// (weights no longer dyadic, so the engine runs in fractions) has the same regions; maps made on the
// dyadic path pass `tessera check`, whose symbolic pass is exact rational arithmetic of its own.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Dyadic } from "../../src/exact/dyadic.js";
import { parseRational, rat, ZERO, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { Network } from "../../src/network/ir.js";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { runCli } from "../../src/cli/main.js";
import { collectRegions, enumerateRegions } from "../../src/regions/enumerate.js";
import { seededRandom } from "../../src/exact/random.js";


/** A random MLP with dyadic weights m·2^-12 (like float weights). */
function dyadicMlp(seed: number, widths: number[]): Network {
  const next = seededRandom(seed);
  const dy = (): Rational => Dyadic.of(BigInt(Math.floor(next() * 8192) - 4096), -12).toRational();
  return sequential(
    widths[0]!,
    widths.slice(1).map((out, i) => ({ weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, dy)), bias: Array.from({ length: out }, dy) })),
  );
}

/** x ↦ net(x / 3): first-layer weights divided by 3 (not dyadic). */
function rescaled(net: Network): Network {
  const layers: { weights: Rational[][]; bias: Rational[] }[] = [];
  for (const node of net.nodes) {
    if (node.kind !== "affine") continue;
    const first = layers.length === 0;
    layers.push({ weights: node.weights.map((row) => row.map((w) => (first ? w.div(3) : w))), bias: [...node.bias] });
  }
  return sequential(net.nodes[0]!.size, layers);
}

describe("dyadic fast path", () => {
  it("counts equal the rational path on the rescaled network", async () => {
    for (const [seed, widths] of [[1, [2, 10, 10, 1]], [2, [3, 8, 8, 8, 2]]] as const) {
      const net = dyadicMlp(seed, [...widths]);
      const n = widths[0];
      const a = await enumerateRegions(net, { kind: "box", lo: new Array<Rational>(n).fill(rat(-1)), hi: new Array<Rational>(n).fill(rat(1)) }, { irredundant: false });
      const b = await enumerateRegions(rescaled(net), { kind: "box", lo: new Array<Rational>(n).fill(rat(-3)), hi: new Array<Rational>(n).fill(rat(3)) }, { irredundant: false });
      expect(a.arithmetic).toBe("dyadic");
      expect(b.arithmetic).toBe("rational");
      expect(a.regions, `seed ${seed}`).toBe(b.regions);
      expect(a.regions).toBeGreaterThan(10);
    }
  });

  it("maps made on the dyadic path pass the independent checker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-dyadic-"));
    const file = join(dir, "net.json");
    writeFileSync(file, writeNetworkJson(dyadicMlp(3, [3, 6, 6, 2])));
    const map = join(dir, "map.ndjson");
    const io = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false };
    expect(await runCli(["regions", file, "--box=-1:1", "--ndjson", "-o", map], io)).toBe(0);
    let out = "";
    expect(await runCli(["check", map, file], { ...io, stdout: (s) => (out += s) })).toBe(0);
    expect(out).toMatch(/^ok: /);
    // The dyadic checker rejects tampering too: a moved witness, a changed map entry, a corrupted certificate.
    const lines = readFileSync(map, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    const tampered: [string, (l: Record<string, any>[]) => void, RegExp][] = [
      ["witness", (l) => (l[3]!.witness = l[4]!.witness), /regions\[2\]\.witness/],
      ["map", (l) => (l[2]!.map.c[0] = parseRational(l[2]!.map.c[0]).add(rat(1, 1024)).toFraction()), /regions\[1\]\.map\.c\[0\]/],
      [
        "certificate",
        (l) => {
          const split = l.slice(1, -1).flatMap((r) => r.splits).find((x: { neuron?: number; upper?: { y?: string[] } }) => x.neuron !== undefined && (x.upper?.y?.length ?? 0) > 0);
          split.upper.y[0] = String(BigInt(split.upper.y[0]) * 3n);
        },
        /\.upper/,
      ],
    ];
    for (const [name, mutate, message] of tampered) {
      const copy = lines.map((l) => JSON.parse(JSON.stringify(l)) as Record<string, any>);
      mutate(copy);
      const bad = join(dir, `bad-${name}.ndjson`);
      writeFileSync(bad, copy.map((l) => JSON.stringify(l)).join("\n") + "\n");
      let err = "";
      expect(await runCli(["check", bad, file], { ...io, stderr: (s) => (err += s) }), name).toBe(1);
      expect(err, name).toMatch(message);
    }
  });

  it("fast-check: exact forward pass equals the region's map (dyadic net, decimal box)", async () => {
    const net = dyadicMlp(4, [2, 8, 8, 2]);
    const { regions, result } = await collectRegions(net, { kind: "box", lo: [rat(-7, 10), rat(-1)], hi: [rat(9, 10), rat(1, 2)] });
    expect(result.arithmetic).toBe("dyadic");
    const dot = (a: readonly Rational[], x: readonly Rational[]): Rational => a.reduce((s, v, k) => s.add(v.mul(x[k]!)), ZERO);
    const coord = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((k) => rat(k, 10_000));
    fc.assert(
      fc.property(fc.tuple(coord(-7000, 9000), coord(-10_000, 5000)), (x) => {
        const inside = regions.filter((r) => r.constraints.every((c) => dot(c.a, x).compare(c.b) <= 0));
        expect(inside.length).toBeGreaterThanOrEqual(1);
        const y = evaluate(net, x).output.map((v) => v.toFraction());
        for (const r of inside) expect(r.map.A.map((row, i) => dot(row, x).add(r.map.c[i]!).toFraction())).toEqual(y);
      }),
      { seed: 4, numRuns: 150 },
    );
  });
});
