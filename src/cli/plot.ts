// `tessera plot NET [domain] -o FILE.svg|FILE.png`: a picture of the linear regions of a 2-D domain (a network
// with two inputs on a box, or a --plane slice of any network), each region a polygon with its exact map as a
// tooltip, optionally with the exact decision boundary and the bent hyperplanes over it; or of a 1-D domain
// (--line, or a 1-input network): the piecewise-linear function with its breakpoints.
import { basename, extname } from "node:path";
import { Command } from "commander";
import type { LipschitzNorm } from "../analysis/lipschitz.js";
import { InputError, UsageError } from "../errors.js";
import { formatRational, type Rational } from "../exact/rational.js";
import { resolveDomain } from "../geometry/domain.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { svgToPng } from "../formats/png.js";
import { minimumCanvas, type SvgColoring } from "../formats/svg.js";
import type { Region } from "../regions/types.js";
import { printJson, type CliContext } from "./context.js";
import { writeBinaryFile, writeTextFile } from "./output-file.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { readCommandInput } from "./command-input.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { runEnumeration } from "./enumeration-run.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { parsePositiveInteger } from "./parse.js";
import { COLORINGS, NORMS, drawRegions, type PictureSettings } from "./region-picture.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";

interface PlotFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, PictureFlags, WorkersFlags {
  readonly output: string;
  readonly json?: boolean;
}

/**
 * The extension of -o (lower case), refused unless it is one of `known`; a name without one (/dev/stdout, a
 * pipe) gets the first.
 */
export function outputExtension(file: string, known: readonly string[]): string {
  const ext = extname(file).toLowerCase();
  if (ext === "") return known[0]!;
  if (!known.includes(ext)) throw new InputError("-o", "", `${JSON.stringify(file)} has the unknown extension ${JSON.stringify(ext)} (give ${known.join(" or ")})`);
  return ext;
}

/** The picture flags every drawing command shares (plot, view). */
export function addPictureOptions(cmd: Command): Command {
  return cmd
    .option("--color <by>", "colour regions by their affine map (equal maps share a colour), by region, by output value, or by the exact norm of their Jacobian: map|region|output|gradient-norm", "map")
    .option("--norm <norm>", "with --color gradient-norm: the induced norm inf|1", "inf")
    .option("--output-index <k>", "with --color output: which output (1-based)", "1")
    .option("--boundary", "draw the decision boundary (top two outputs equal; output = 0 for one output) as exact segments")
    .option("--hyperplanes", "draw each neuron's bent hyperplane, one colour per layer")
    .option("--width <px>", "picture width in pixels")
    .option("--height <px>", "picture height in pixels");
}

export interface PictureFlags {
  readonly color: string;
  readonly norm: string;
  readonly outputIndex: string;
  readonly width?: string;
  readonly height?: string;
  readonly boundary?: boolean;
  readonly hyperplanes?: boolean;
}

/** The picture settings the flags describe, checked against the network (title and caption added later). */
export function pictureFromFlags(flags: PictureFlags, net: Network, domain: DomainSpec): Omit<PictureSettings, "title" | "caption"> {
  if (!COLORINGS.includes(flags.color as SvgColoring)) throw new UsageError(`--color: ${JSON.stringify(flags.color)} is not one of ${COLORINGS.join(", ")}`);
  if (!NORMS.includes(flags.norm as LipschitzNorm)) throw new UsageError(`--norm: ${JSON.stringify(flags.norm)} is not one of ${NORMS.join(", ")}`);
  const outputs = net.nodes[net.output]!.size;
  const k = parsePositiveInteger(flags.outputIndex, "--output-index");
  if (k > outputs) throw new UsageError(`--output-index: ${k} is above the number of outputs (${outputs})`);
  const min = minimumCanvas(3, true);
  const size = (text: string | undefined, flag: string, least: number): number | undefined => {
    if (text === undefined) return undefined;
    const v = parsePositiveInteger(text, flag);
    if (v < least) throw new InputError(flag, "", `${v} px leaves no room for the picture (at least ${least})`);
    if (v > 20000) throw new InputError(flag, "", `${v} px is above the largest picture side (20000)`);
    return v;
  };
  const width = size(flags.width, "--width", min.width);
  const height = size(flags.height, "--height", min.height);
  return {
    coloring: flags.color as SvgColoring,
    norm: flags.norm as LipschitzNorm,
    outputIndex: k - 1,
    boundary: flags.boundary === true,
    hyperplanes: flags.hyperplanes === true,
    axisNames: domain.kind === "slice" ? ["s", "t"] : ["x1", "x2"],
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
  };
}

/** The domain's dimension, refused unless 1 or 2 (pictures are drawn in the plane). */
export function pictureDimension(net: Network, domain: DomainSpec, command: string): 1 | 2 {
  const dim = resolveDomain(net, domain).polyhedron.dim;
  if (dim !== 1 && dim !== 2) {
    throw new UsageError(
      `${command}: the domain is ${dim}-dimensional; pictures are 1-D (--line "x0;x1", or a 1-input network) or 2-D (a 2-input network, or --plane "x0;x1;x2")`,
    );
  }
  return dim;
}

/** Refuse an unbounded domain once its regions are known (a picture needs every region's vertices). */
export function requireBounded(regions: readonly Region[], domain: DomainSpec, command: string): void {
  if (regions.some((r) => !r.bounded)) throw new UsageError(`${command}: the domain (${describeDomain(domain)}) is unbounded; bound it with --box`);
}

export function plotCommand(ctx: CliContext): Command {
  const cmd = new Command("plot")
    .description("draw the linear regions of a 1-D or 2-D domain as an SVG or PNG picture (exact maps as tooltips)")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .requiredOption("-o, --output <file>", "the picture to write: .svg or .png (SVG without an extension)");
  addPictureOptions(cmd).option("--json", "print a machine-readable summary (with the exact boundary segments and breakpoints)");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nThe domain must be bounded and 1-D (--line, or a 1-input network) or 2-D (a 2-input network, or --plane),\n" +
      "with --box (or --domain/--property) to bound it.\n\n" +
      "Examples:\n  $ tessera plot fixtures/seed-three-neurons.json --box=-3:3 -o seed.svg\n" +
      "  $ tessera plot fixtures/seed-three-neurons.json --box=-3:3 --boundary --hyperplanes -o seed.png --width 800\n" +
      '  $ tessera plot net.onnx --plane "0,0,0;1,0,0;0,1,0" --box=-1:1 --color gradient-norm --norm 1 -o slice.svg\n' +
      '  $ tessera plot net.onnx --line "0,0,0;1,1,1" --box=-1:1 -o line.svg\n',
  );
  addNetworkOptions(cmd).action(async (file: string, flags: PlotFlags) => {
    const ext = outputExtension(flags.output, [".svg", ".png"]);
    const { net, domain, domainLabel, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags, { hform: true });
    const picture = pictureFromFlags(flags, net, domain);
    const dim = pictureDimension(net, domain, "plot");
    const regions: Region[] = [];
    const result = await runEnumeration(ctx, net, {
      domain, domainLabel, maxRegions, timeoutMs, certify: true, irredundant: true, collectVertices: true, workers: workersFromFlags(flags, process.env, net),
      onRegion: (r) => regions.push(r),
    });
    requireBounded(regions, domain, "plot");
    const drawn = drawRegions(regions, dim, {
      ...picture,
      axisNames: dim === 1 ? [domain.kind === "slice" ? "t" : "x1", "y"] : picture.axisNames,
      title: `${basename(file)}: ${result.regions} linear regions`,
      caption: [
        `domain: ${describeDomain(domain)}`,
        `${result.regions} regions${result.complete ? "" : ` (incomplete: ${result.status})`}, every region certified; colour: ${flags.color}`,
      ],
    });
    if (ext === ".png") writeBinaryFile(flags.output, await svgToPng(drawn.svg));
    else writeTextFile(flags.output, drawn.svg);
    const exact = (p: readonly Rational[]): string[] => p.map(formatRational);
    const summary = {
      file: flags.output,
      regions: result.regions,
      complete: result.complete,
      status: result.status,
      coloring: flags.color,
      domain: domainToJson(domain),
      dimension: dim,
      ...(drawn.range ? { range: { min: formatRational(drawn.range.min), max: formatRational(drawn.range.max) } } : {}),
      ...(picture.boundary && dim === 2 ? { boundary: drawn.boundary.map((b) => ({ region: b.region, outputs: b.outputs, from: exact(b.from), to: exact(b.to) })) } : {}),
      ...(picture.hyperplanes && dim === 2 ? { hyperplanes: drawn.hyperplanes.map((h) => ({ layer: h.layer, neuron: h.neuron, from: exact(h.from), to: exact(h.to) })) } : {}),
      ...(dim === 1 ? { breakpoints: drawn.breakpoints.map((b) => ({ t: formatRational(b.t), y: exact(b.y) })) } : {}),
    };
    if (flags.json) return printJson(ctx, summary);
    ctx.io.stdout(`wrote ${flags.output}: ${result.regions} regions${result.complete ? "" : " (incomplete)"}\n`);
  });
  return cmd;
}
