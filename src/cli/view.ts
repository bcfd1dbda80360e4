// `tessera view NET [domain] -o report.html`: one self-contained HTML page (no network access; it opens from
// disk) holding the picture of a 1-D or 2-D region map with its exact data: hover a region for its pattern,
// exact map and witness; click it for its neighbours and the exact gradient jumps (the region graph of
// `tessera graph`); pan and zoom; a neuron table whose rows highlight the neuron's bent hyperplane.
// `tessera view --live [NET] -o page.html`: a page that computes a new slice itself, in a Web Worker, with the
// library's browser build (same regions as the CLI).
import { basename } from "node:path";
import { Command } from "commander";
import { inputPoint } from "../analysis/bounds.js";
import { readFileBytes } from "../formats/load.js";
import { UsageError } from "../errors.js";
import { formatRational } from "../exact/rational.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { buildRegionGraph } from "../graph/adjacency.js";
import { graphToJson } from "../graph/to-json.js";
import { formatPattern } from "../network/evaluate.js";
import { activationNodeIds, type Network } from "../network/ir.js";
import type { Region } from "../regions/types.js";
import type { ViewData, ViewNeuron, ViewNeuronStatus } from "../web/view-data.js";
import { neuronFunction } from "../network/activation.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { readCommandInput } from "./command-input.js";
import { runEnumeration } from "./enumeration-run.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { writeTextFile } from "./output-file.js";
import { addPictureOptions, outputExtension, pictureDimension, pictureFromFlags, requireBounded, type PictureFlags } from "./plot.js";
import { describeMap } from "../formats/svg.js";
import { drawRegions } from "./region-picture.js";
import { livePage } from "./view-live.js";
import { escapeHtml, pageHead, pageScript, scriptText } from "./page-html.js";

/** Regions drawn at most when --max-regions is not given: a page stays quick to open and to hover. */
export const DEFAULT_VIEW_MAX_REGIONS = 5000;

interface ViewFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, PictureFlags {
  readonly output: string;
  readonly live?: boolean;
  readonly json?: boolean;
}

const CSS = `body{font-family:sans-serif;margin:1em;color:#222}#layout{display:flex;gap:1em;align-items:flex-start}
#picture{border:1px solid #ccc;flex:0 0 auto}#picture svg{display:block;max-width:68vw;height:auto;cursor:grab;user-select:none}
#panel{flex:1;min-width:22em;font-size:13px}#panel dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 8px}
#panel dd{margin:0;font-family:monospace;word-break:break-all}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}.jump{font-family:monospace}
#regions .selected{stroke:#000;stroke-width:3}#regions .neighbour{stroke:#e0f;stroke-width:2.5}
#hyperplanes line{opacity:0;pointer-events:none}body.show-hyperplanes #hyperplanes line{opacity:.9}#hyperplanes line.hl{opacity:1;stroke-width:5}
#neurons tr.hl{background:#ffe680}#neurons tr.dead td:nth-child(3){color:#888}#neurons tr.unstable td:nth-child(3){color:#06c}
.warning{color:#b00;font-weight:bold}`;

/** Each neuron's status on the domain, from the patterns of the regions (a proof when every region is there). */
export function neuronStatuses(net: Network, regions: readonly Region[], complete: boolean, segments: Map<string, number>): ViewNeuron[] {
  const out: ViewNeuron[] = [];
  activationNodeIds(net).forEach((id, layer) => {
    const node = net.nodes[id]!;
    if (node.kind !== "activation") return;
    for (let j = 0; j < node.size; j++) {
      const pieces = new Set(regions.map((r) => r.pattern[layer]![j]!));
      const top = neuronFunction(node.activation, j).breakpoints.length;
      const only = [...pieces][0];
      const status: ViewNeuronStatus =
        pieces.size > 1 ? "unstable" : !complete || only === undefined ? "undecided" : only === 0 ? "dead" : only === top ? "always-active" : "stable";
      out.push({ layer, neuron: j, status, segments: segments.get(`${layer}/${j}`) ?? 0 });
    }
  });
  return out;
}

export function viewCommand(ctx: CliContext): Command {
  const cmd = new Command("view")
    .description("write a self-contained HTML page to explore the regions of a 1-D or 2-D domain (hover, click, pan, zoom), or with --live a page that computes slices itself")
    .argument("[network]", "network file (.json tessera network, .onnx, .nnet); optional with --live")
    .requiredOption("-o, --output <file>", "the HTML page to write (.html)")
    .option("--live", "write a page that reads a network file dropped on it and computes a slice in the browser (Web Worker)");
  addPictureOptions(cmd).option("--json", "print a machine-readable summary");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  cmd.addHelpText(
    "after",
    `\nWithout --max-regions, at most ${DEFAULT_VIEW_MAX_REGIONS} regions are drawn; a page cut short says so at the top.\n` +
      "The page needs no network access: open it from disk in any browser.\n\n" +
      "Examples:\n  $ tessera view fixtures/seed-three-neurons.json --box=-3:3 -o seed.html\n" +
      '  $ tessera view net.onnx --plane "0,0,0;1,0,0;0,1,0" --box=-1:1 --boundary -o slice.html\n' +
      "  $ tessera view --live -o live.html\n  $ tessera view --live fixtures/seed-three-neurons.json -o live.html\n",
  );
  addNetworkOptions(cmd).action(async (file: string | undefined, flags: ViewFlags) => {
    outputExtension(flags.output, [".html"]);
    if (flags.live) {
      // A network given here is read once by the CLI, so a bad file fails now with the usual one line.
      if (file !== undefined) loadNetworkFromFlags(ctx, file, flags);
      const page = livePage(file === undefined ? undefined : { name: file, bytes: readFileBytes(file) }, pageScript("live-page"), pageScript("live-worker"));
      writeTextFile(flags.output, page);
      if (flags.json) return printJson(ctx, { file: flags.output, live: true, network: file ?? null });
      ctx.io.stdout(`wrote ${flags.output}: a live page${file ? ` with ${file}` : ""}\n`);
      return;
    }
    if (file === undefined) throw new UsageError("view: give a network file (or --live for a page that reads one)");
    const script = pageScript("view-page");
    const { net, domain, domainLabel, ...limits } = readCommandInput(ctx, file, { ...flags, maxRegions: flags.maxRegions ?? String(DEFAULT_VIEW_MAX_REGIONS) }, { hform: true });
    const picture = pictureFromFlags(flags, net, domain);
    const dim = pictureDimension(net, domain, "view");
    const regions: Region[] = [];
    const result = await runEnumeration(ctx, net, {
      domain, domainLabel, ...limits, certify: true, irredundant: true, collectVertices: true,
      onRegion: (r) => void regions.push(r),
    });
    requireBounded(regions, domain, "view");
    const graph = buildRegionGraph({ net: result.domain.network, regions, domain: result.domain.polyhedron }, { points: true, complete: result.complete });
    const axisNames: readonly [string, string] = dim === 1 ? [domain.kind === "slice" ? "t" : "x1", "y"] : picture.axisNames;
    const incomplete = result.complete ? "" : ` (incomplete: stopped at ${result.status === "max-regions" ? `--max-regions ${limits.maxRegions}` : result.status})`;
    const drawn = drawRegions(regions, dim, {
      ...picture,
      hyperplanes: true,
      axisNames,
      title: `${basename(file)}: ${result.regions} linear regions${incomplete}`,
      caption: [`domain: ${describeDomain(domain)}`, `${result.regions} regions${incomplete}, every region certified; colour: ${flags.color}`],
    });
    const segments = new Map<string, number>();
    for (const h of drawn.hyperplanes) segments.set(`${h.layer}/${h.neuron}`, (segments.get(`${h.layer}/${h.neuron}`) ?? 0) + 1);
    const data: ViewData = {
      title: file,
      domain: describeDomain(domain),
      dimension: dim,
      axisNames,
      regions: regions.map((r) => ({
        id: r.id,
        pattern: formatPattern(r.pattern),
        map: describeMap(r.map, axisNames),
        witness: r.witness.map(formatRational),
        input: inputPoint(domain, r.witness).map(formatRational),
      })),
      edges: graphToJson(graph).edges,
      neurons: neuronStatuses(net, regions, result.complete, segments),
      complete: result.complete,
      status: result.status,
      maxRegions: limits.maxRegions,
    };
    const svg = drawn.svg.replace(/^<\?xml[^>]*>\n/, "");
    const warning = result.complete
      ? `<p id="status">${result.regions} regions, ${graph.graph.size} shared facets — complete.</p>`
      : `<p id="status" class="warning">Incomplete: the page shows the first ${result.regions} regions only (stopped: ${result.status === "max-regions" ? `--max-regions ${limits.maxRegions}; raise it to draw more` : result.status}).</p>`;
    const html =
      pageHead(`tessera view: ${file}`, CSS) +
      `<body><h2>${escapeHtml(file)}</h2><p>domain: ${escapeHtml(data.domain)}</p>${warning}` +
      `<p><button id="reset">reset zoom</button> <label><input type="checkbox" id="show-hyperplanes"> show hyperplanes</label> · wheel: zoom, drag: pan, click: neighbours</p>` +
      `<div id="layout"><div id="picture">${svg}</div><div id="panel"><div id="hover"></div><div id="selection"></div></div></div>` +
      `<h3>Neurons</h3><table id="neurons"><thead><tr><th>layer</th><th>neuron</th><th>status on the domain</th><th>hyperplane pieces</th></tr></thead><tbody></tbody></table>` +
      `<script type="application/json" id="tessera-data">${scriptText(JSON.stringify(data))}</script>` +
      `<script>${scriptText(script)}</script></body></html>\n`;
    writeTextFile(flags.output, html);
    const summary = { file: flags.output, regions: result.regions, edges: graph.graph.size, complete: result.complete, status: result.status, maxRegions: limits.maxRegions, domain: domainToJson(domain) };
    if (flags.json) return printJson(ctx, summary);
    ctx.io.stdout(`wrote ${flags.output}: ${result.regions} regions${result.complete ? "" : ` (incomplete: ${result.status})`}\n`);
  });
  return cmd;
}
