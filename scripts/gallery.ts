// Makes docs/gallery.md and its pictures (docs/gallery/*.png) with the CLI itself, from the networks committed in
// fixtures/ (no torch, no network access): the seed's three-neuron network, Telgarsky's sawtooth in 1-D, a 2-D
// slice of ACAS Xu 1_1, a small PyTorch classifier before and after training, and He vs Xavier initialisation.
// The nets come from fixtures/gallery/make_gallery_nets.py. Run from the repository: npx tsx scripts/gallery.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { runCli } from "../src/cli/main.js";

interface Shot {
  readonly file: string;
  readonly args: readonly string[];
}

const OUT = "docs/gallery";
mkdirSync(OUT, { recursive: true });

/** Run `tessera plot … -o docs/gallery/FILE --json` in-process and return its summary. */
async function plot(file: string, net: string, ...args: string[]): Promise<Shot & { summary: Record<string, unknown> }> {
  let stdout = "";
  let stderr = "";
  const argv = ["plot", net, ...args, "-o", `${OUT}/${file}`, "--json"];
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false });
  if (code !== 0) throw new Error(`tessera ${argv.join(" ")} failed: ${stderr}`);
  process.stderr.write(`wrote ${OUT}/${file}\n`);
  return { file, args: [net, ...args], summary: JSON.parse(stdout) as Record<string, unknown> };
}

const quote = (a: string): string => (/^[\w./:=,-]+$/.test(a) ? a : `"${a}"`);
const command = (s: Shot): string => `tessera plot ${s.args.map(quote).join(" ")} -o ${s.file}`;
const image = (s: Shot, alt: string): string => `![${alt}](gallery/${s.file})`;

const ACAS = "fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx";
const PROP1_BOX = "0.6:0.679857769,-0.5:0.5,-0.5:0.5,0.45:0.5,-0.5:-0.45";
const c = ["1279857769/2000000000", "0", "0", "19/40", "-19/40"];
const ACAS_PLANE = [c, c.map((v, k) => (k === 0 ? "3279857769/2000000000" : v)), c.map((v, k) => (k === 1 ? "1" : v))].map((p) => p.join(",")).join(";");

const seed = await plot("seed-regions.png", "fixtures/seed-three-neurons.json", "--box=-3:3", "--hyperplanes", "--width", "420");
const seedGrad = await plot("seed-gradient.png", "fixtures/seed-three-neurons.json", "--box=-3:3", "--color", "gradient-norm", "--width", "420");
const saw = await plot("sawtooth.png", "fixtures/gallery/sawtooth-L5.json", "--box=0:1", "--width", "640", "--height", "320");
const acas = await plot("acas-slice.png", ACAS, "--plane", ACAS_PLANE, "--box", PROP1_BOX, "--boundary", "--width", "520");
const before = await plot("moons-before.png", "fixtures/gallery/moons-before.json", "--box=-1.5:1.5", "--boundary", "--width", "400");
const after = await plot("moons-after.png", "fixtures/gallery/moons-after.json", "--box=-1.5:1.5", "--boundary", "--width", "400");
const he = await plot("init-he.png", "fixtures/gallery/init-he.json", "--box=-2:2", "--color", "gradient-norm", "--width", "400");
const xavier = await plot("init-xavier.png", "fixtures/gallery/init-xavier.json", "--box=-2:2", "--color", "gradient-norm", "--width", "400");

const n = (s: { summary: Record<string, unknown> }): number => s.summary.regions as number;
/** The exact range of a ramp colouring; long fractions as ≈ 4 digits (the exact values are in the --json output). */
const range = (s: { summary: Record<string, unknown> }): string => {
  const r = s.summary.range as { min: string; max: string };
  const show = (v: string): string => {
    if (v.length <= 12) return v;
    const [p, q] = v.split("/");
    return `≈ ${Number((Number(p) / Number(q ?? "1")).toPrecision(4))}`;
  };
  return `${show(r.min)} … ${show(r.max)}`;
};
const breakpoints = (saw.summary.breakpoints as unknown[]).length;

const md = `# Gallery

Pictures made by \`tessera plot\` from networks in \`fixtures/\`: every polygon is a linear region drawn from its
exact vertices, every segment and breakpoint is exact. The whole page is made by one script from a fresh clone
(\`npx tsx scripts/gallery.ts\`; no torch, no network access); the small PyTorch networks were generated once by
\`fixtures/gallery/make_gallery_nets.py\` and are committed as exact tessera JSON. Open any of them interactively
with \`tessera view … -o page.html\` (same flags, see [cli.md](cli.md)).

## The seed's three neurons

${image(seed, "regions of the seed network")} ${image(seedGrad, "gradient norm of the seed network")}

y = relu(x1 − 2x2) + relu(−x1 + x2 + 1)/3 + relu(2x1 + x2 − 2)/10 on [−3, 3]²: three lines in general position give
${n(seed)} regions (pattern 000 is empty). Left: \`--hyperplanes\`, each neuron's line in its layer's colour. Right:
\`--color gradient-norm\`, the exact ‖J‖∞ of each region, from ${range(seedGrad)}.

    ${command(seed)}
    ${command(seedGrad)}

## Telgarsky's sawtooth: 2^L pieces from 2L neurons

${image(saw, "sawtooth")}

The tent map t(x) = 2 relu(x) − 4 relu(x − 1/2) composed L = 5 times (10 neurons) is a sawtooth with 2^5 = ${n(saw)}
linear pieces on [0, 1]; the ${breakpoints} breakpoints are at k/32 with values 1 and 0 (hover over a dot in the SVG or
the page for its exact coordinates). Depth multiplies pieces, width only adds them.

    ${command(saw)}

## ACAS Xu 1_1: a 2-D slice of a real controller

${image(acas, "ACAS Xu slice")}

The plane through the centre c of property 1's input box along inputs 1 and 2 (ρ and θ), bounded by the box:
${n(acas)} regions, with the exact decision boundary (where the two largest of the five advisory scores are equal)
in black. The same slice is computed in the browser by \`tessera view --live\`.

    ${command(acas)}

## A small classifier before and after training

${image(before, "before training")} ${image(after, "after training")}

A 2-16-16-2 ReLU network (PyTorch default initialisation) before and after 400 Adam steps on two interleaved half
moons: ${n(before)} regions before, ${n(after)} after on [−1.5, 1.5]². Training moves the bent hyperplanes to where the
data is and bends the decision boundary (black) between the moons.

    ${command(before)}
    ${command(after)}

## He vs Xavier initialisation

${image(he, "He initialisation")} ${image(xavier, "Xavier initialisation")}

The same 2-24-24-24-1 architecture and seed with He (left) and Xavier (right) normal weights, coloured by the exact
‖J‖∞ of each region: He keeps the variance of the pre-activations through ReLU layers, so its gradients stay on the
scale of the input (‖J‖∞ ${range(he)}, ${n(he)} regions); Xavier halves it at every ReLU layer
(‖J‖∞ ${range(xavier)}, ${n(xavier)} regions).

    ${command(he)}
    ${command(xavier)}
`;
writeFileSync("docs/gallery.md", md);
process.stderr.write("wrote docs/gallery.md\n");
