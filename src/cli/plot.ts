// `tessera plot NET [domain] -o FILE.svg`: a picture of the linear regions of a 2-D domain (a network with two
// inputs on a box, or a --plane slice of any network), each region a polygon with its exact map as a tooltip.
import { Command } from "commander";
import { UsageError } from "../errors.js";
import { rationalToNumber } from "../exact/rational.js";
import { RationalField } from "../exact/field.js";
import { dot } from "../exact/linalg.js";
import { resolveDomain } from "../geometry/domain.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { readCommandInput } from "./command-input.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { formatPattern } from "../network/evaluate.js";
import { writeRegionSvg, type SvgColoring, type SvgRegion } from "../formats/svg.js";
import type { Region } from "../regions/types.js";
import { printJson, type CliContext } from "./context.js";
import { writeTextFile } from "./output-file.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { runEnumeration } from "./enumeration-run.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { parsePositiveInteger } from "./parse.js";

interface PlotFlags extends NetworkFlags, DomainFlags, LimitFlags, WorkersFlags {
  readonly output: string;
  readonly color: string;
  readonly outputIndex: string;
  readonly json?: boolean;
}

const COLORINGS: readonly SvgColoring[] = ["map", "region", "output"];

export function plotCommand(ctx: CliContext): Command {
  const cmd = new Command("plot")
    .description("draw the linear regions of a 2-D domain as an SVG picture (polygons with exact maps as tooltips)")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .requiredOption("-o, --output <file>", "the SVG file to write")
    .option("--color <by>", "colour regions by their affine map (equal maps share a colour), by region, or by output value: map|region|output", "map")
    .option("--output-index <k>", "with --color output: which output (1-based)", "1")
    .option("--json", "print a machine-readable summary");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nThe domain must be 2-D and bounded: a box of a 2-input network, or --plane (with --box to bound it).\n\n" +
      "Examples:\n  $ tessera plot fixtures/seed-three-neurons.json --box=-3:3 -o seed.svg\n" +
      '  $ tessera plot net.onnx --plane "0,0,0;1,0,0;0,1,0" --box=-1:1 --color output -o slice.svg\n',
  );
  addNetworkOptions(cmd).action(async (file: string, flags: PlotFlags) => {
    if (!COLORINGS.includes(flags.color as SvgColoring)) {
      throw new UsageError(`--color: ${JSON.stringify(flags.color)} is not one of ${COLORINGS.join(", ")}`);
    }
    const { net, domain, domainLabel, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags);
    const resolved = resolveDomain(net, domain);
    const dim = resolved.polyhedron.dim;
    if (dim !== 2) {
      throw new UsageError(`plot: the domain is ${dim}-dimensional; give a 2-input network a --box, or slice with --plane "x0;x1;x2"`);
    }
    const outputs = resolved.network.nodes[resolved.network.output]!.size;
    const k = parsePositiveInteger(flags.outputIndex, "--output-index");
    if (k > outputs) throw new UsageError(`--output-index: ${k} is above the number of outputs (${outputs})`);
    const regions: Region[] = [];
    const result = await runEnumeration(ctx, net, {
      domain, domainLabel, maxRegions, timeoutMs, certify: true, irredundant: true, collectVertices: true, workers: workersFromFlags(flags),
      onRegion: (r) => regions.push(r),
    });
    if (regions.some((r) => !r.bounded)) {
      throw new UsageError(`plot: the domain (${describeDomain(domain)}) is unbounded; bound it with --box`);
    }
    const svgRegions: SvgRegion[] = regions.map((r) => {
      const value = dot(RationalField, r.map.A[k - 1]!, r.witness).add(r.map.c[k - 1]!);
      return { id: r.id, pattern: formatPattern(r.pattern), vertices: r.vertices ?? [], map: r.map, value: rationalToNumber(value) };
    });
    const xs = svgRegions.flatMap((r) => r.vertices.map((v) => rationalToNumber(v[0]!)));
    const ys = svgRegions.flatMap((r) => r.vertices.map((v) => rationalToNumber(v[1]!)));
    const axisNames: [string, string] = domain.kind === "slice" ? ["s", "t"] : ["x1", "x2"];
    const svg = writeRegionSvg(svgRegions, {
      window: [[Math.min(...xs), Math.max(...xs)], [Math.min(...ys), Math.max(...ys)]],
      coloring: flags.color as SvgColoring,
      axisNames,
      title: `${file}: ${result.regions} linear regions`,
      caption: [
        `domain: ${describeDomain(domain)}`,
        `${result.regions} regions${result.complete ? "" : ` (incomplete: ${result.status})`}, every region certified; colour: ${flags.color}`,
      ],
    });
    writeTextFile(flags.output, svg);
    const summary = { file: flags.output, regions: result.regions, complete: result.complete, status: result.status, coloring: flags.color, domain: domainToJson(domain) };
    if (flags.json) return printJson(ctx, summary);
    ctx.io.stdout(`wrote ${flags.output}: ${result.regions} regions${result.complete ? "" : " (incomplete)"}\n`);
  });
  return cmd;
}
