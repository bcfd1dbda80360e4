// `tessera sparsity NET [domain] [--data CSV] [--samples N]`: per neuron and layer the fraction of inputs on which
// it is active, beside the formula Φ(b/(σ√d)) (analysis/sparsity.ts): estimates marked as estimates, exact
// fractions (data rows; region areas on a bounded 2-D domain) as exact.
import { Command } from "commander";
import { formatRational, rationalToNumber, type Rational } from "../exact/rational.js";
import { inputSize } from "../network/ir.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { activationSparsity, type SparsityOptions } from "../analysis/sparsity.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addLimitOptions, domainFromFlags, limitsFromFlags, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { parseSeed } from "./init.js";
import { readCsvRows } from "./neurons.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parsePositiveInteger } from "./parse.js";
import { estimate } from "./signal.js";
import { formatReadable } from "../exact/readable.js";

interface SparsityFlags extends NetworkFlags, DomainFlags, LimitFlags {
  readonly data?: string;
  readonly samples?: string;
  readonly seed: string;
  readonly json?: boolean;
}

const DEFAULT_SAMPLES = 2000;

/** "3/8 (0.375)"; a long fraction is already "≈ decimal (exact: …)" (src/exact/readable.ts). */
const exactText = (r: Rational, exact?: boolean): string => {
  const text = formatReadable(r, exact);
  return text.startsWith("≈") ? text : `${text} (${estimate(rationalToNumber(r))})`;
};

export function sparsityCommand(ctx: CliContext): Command {
  const cmd = new Command("sparsity")
    .description("fraction of inputs on which each neuron is active: formula Φ(b/(σ√d)), samples, data, exact areas on 2-D")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--data <file>", "CSV of inputs (one row per input): the exact share of rows on which each neuron is active")
    .option("--samples <n>", `random inputs: standard normal, or uniform in the domain (default ${DEFAULT_SAMPLES} when no --data and no 2-D domain)`)
    .option("--seed <n>", "seed of the input sampler", "1")
    .option("--json", "print machine-readable JSON");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nformula  Φ((b − β)/(σ√d)), σ² the mean of the neuron's squared weights, d its fan-in, β its lowest breakpoint\n" +
      "         (0 for ReLU). An estimate: it assumes independent standard normal inputs (exact in distribution for\n" +
      "         a first-layer neuron under that assumption, not deeper).\n" +
      "sampled  the share of random inputs (estimate, with a 95% Wilson interval).\n" +
      "data     the exact share of the CSV rows.  exact  on a bounded 2-D domain (a 2-input box or a --plane slice),\n" +
      "         the exact area where the neuron is active over the domain's area, from the certified regions.\n\n" +
      "Examples:\n  $ tessera sparsity fixtures/seed-three-neurons.json --box=-3:3 --samples 10000\n" +
      "  $ tessera sparsity net.json --samples 5000 --seed 2 --json\n  $ tessera sparsity net.onnx --data inputs.csv\n",
  );
  addNetworkOptions(cmd).action(async (file: string, flags: SparsityFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const domainGiven = flags.box !== undefined || flags.domain !== undefined || flags.property !== undefined || flags.plane !== undefined || flags.line !== undefined || net.inputBox !== undefined;
    const domain = domainGiven ? domainFromFlags(net, flags) : undefined;
    const seed = parseSeed(flags.seed);
    const data = flags.data ? readCsvRows(flags.data, inputSize(net)) : undefined;
    const samples = flags.samples !== undefined ? parsePositiveInteger(flags.samples, "--samples") : !data && !domain ? DEFAULT_SAMPLES : undefined;
    const options: SparsityOptions = { seed, ...(samples !== undefined ? { samples } : {}), ...(data ? { data } : {}), ...(domain ? { domain } : {}), ...limitsFromFlags(flags) };
    const r = await activationSparsity(net, options);
    if (flags.json) {
      return printJson(ctx, {
        ...(domain ? { domain: domainToJson(domain) } : {}),
        ...(r.sampler ? { sampler: r.sampler, samples, seed } : {}), ...(r.rows !== undefined ? { rows: r.rows } : {}),
        ...(r.enumeration ? { enumeration: { ...r.enumeration, area: formatRational(r.enumeration.area) } } : {}),
        complete: r.enumeration ? r.enumeration.complete : true,
        estimates: ["formula", "sampled"], exact: ["data", "exact"],
        neurons: r.neurons.map((n) => ({
          layer: n.layer, neuron: n.neuron, ...(n.formula !== undefined ? { formula: n.formula } : {}),
          ...(n.sampled ? { sampled: { share: n.sampled.active / n.sampled.samples, active: n.sampled.active, samples: n.sampled.samples, interval95: n.sampled.interval } } : {}),
          ...(n.data ? { data: formatRational(n.data) } : {}), ...(n.exact ? { exact: formatRational(n.exact) } : {}),
        })),
        layers: r.layers.map((l) => ({ ...l, ...(l.data ? { data: formatRational(l.data) } : {}), ...(l.exact ? { exact: formatRational(l.exact) } : {}) })),
      });
    }
    const lines: string[] = [];
    if (domain) lines.push(`domain     ${describeDomain(domain, ctx.exact)}`);
    if (r.enumeration) lines.push(`exact      ${r.enumeration.regions} regions, area ${formatReadable(r.enumeration.area, ctx.exact)}${r.enumeration.complete ? "" : ` (incomplete: ${r.enumeration.status}; no exact fractions)`}`);
    if (r.sampler) lines.push(`sampled    ${samples} ${r.sampler === "standard-normal" ? "standard normal" : "uniform"} inputs, seed ${seed} (estimate ± 95% interval)`);
    if (r.rows !== undefined) lines.push(`data       ${r.rows} rows (exact)`);
    const cols = ["formula (est.)", ...(r.sampler ? ["sampled (est.)"] : []), ...(r.rows !== undefined ? ["data (exact)"] : []), ...(r.neurons.some((n) => n.exact) ? ["exact area fraction"] : [])];
    lines.push(`layer neuron  ${cols.map((c) => c.padEnd(26)).join("")}`.trimEnd());
    const hasExact = r.neurons.some((n) => n.exact);
    const row = (label: string, v: { formula?: number | undefined; sampled?: string | undefined; data?: Rational | undefined; exact?: Rational | undefined }): string => {
      const cells = [
        v.formula !== undefined ? estimate(v.formula) : "-",
        ...(r.sampler ? [v.sampled ?? "-"] : []),
        ...(r.rows !== undefined ? [v.data ? exactText(v.data, ctx.exact) : "-"] : []),
        ...(hasExact ? [v.exact ? exactText(v.exact, ctx.exact) : "-"] : []),
      ];
      return `${label}${cells.map((c) => c.padEnd(26)).join("")}`.trimEnd();
    };
    for (const n of r.neurons) {
      const s = n.sampled ? `${estimate(n.sampled.active / n.sampled.samples)} [${estimate(n.sampled.interval[0])}, ${estimate(n.sampled.interval[1])}]` : undefined;
      lines.push(row(`${String(n.layer).padEnd(6)}${String(n.neuron).padEnd(8)}`, { formula: n.formula, sampled: s, data: n.data, exact: n.exact }));
    }
    for (const l of r.layers) {
      lines.push(row(`layer ${l.layer} mean`.padEnd(14), { formula: l.formula, sampled: l.sampled !== undefined ? estimate(l.sampled) : undefined, data: l.data, exact: l.exact }));
    }
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}
