// The checker of region graphs (`tessera graph --json`, docs/formats/graph.md). Every edge is verified
// exactly against the network, without an LP, through its own symbolic pass (check/symbolic.ts):
//   - `neurons` lists exactly the neurons whose pieces differ between the source and target patterns;
//   - `point` is strictly inside the domain, every flipped neuron's pre-activation is exactly at the breakpoint
//     between its two pieces, every other neuron's strictly inside its piece: a neighbourhood of the point
//     on that hyperplane lies in the closure of both regions;
//   - every flipped neuron's gradient, in the source and in the target pattern, is a nonzero multiple of the
//     first one's, of the sign that makes `from` the side of the source: the regions lie on the two sides of
//     one facet (of dimension d−1), and the edge points from lower to higher piece of its first neuron;
//   - `jump` is J_target − J_source and `sameMap` whether the two affine maps are equal;
// and the nodes' `piece` ids are the components of the sameMap edges numbered by smallest region id, and the
// counts match. That every node is a region with interior and that no edge is missing are not re-verified
// (the graph carries no witnesses: check the region map of the same run); the report says so.
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import { Rational, WRITTEN_BY_TESSERA, formatRational, isDyadicRational, tryParseRational } from "../exact/rational.js";
import { domainFromJson } from "../formats/domain.js";
import { resolveDomain } from "../geometry/domain.js";
import { neuronFunction } from "../network/activation.js";
import { formatPattern, isDyadicNetwork, parsePattern } from "../network/evaluate.js";
import { activationNodeIds, inputSize, outputSize, type Network } from "../network/ir.js";
import { SymbolicPass, type FieldMap } from "./symbolic.js";
import { CheckFailure, type CheckInput, type CheckReport } from "./types.js";

type Json = Record<string, unknown>;
type Pattern = number[][];

const fail = (where: string, message: string): never => {
  throw new CheckFailure(`${where}: ${message}`);
};

function rationals(value: unknown, where: string, length: number): Rational[] {
  if (!Array.isArray(value) || value.length !== length) return fail(where, `must be an array of ${length} rational strings`);
  return value.map((v, k) => {
    const r = typeof v === "string" ? tryParseRational(v, WRITTEN_BY_TESSERA) : undefined;
    return r ?? fail(`${where}[${k}]`, `${JSON.stringify(v)} is not a rational string`);
  });
}

/** The checker keeps its own gcd on purpose: it shares no arithmetic helper with the engine it checks. */
function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A rational point as integers over one positive denominator: p = P / D. */
function scaled(point: readonly Rational[]): { P: bigint[]; D: bigint } {
  let D = 1n;
  for (const r of point) if (r.d !== 1n) D = (D / gcd(D, r.d)) * r.d;
  return { P: point.map((r) => r.s * r.n * (D / r.d)), D };
}

/** One edge, read and checked for its structure (document order), before the exact checks. */
interface Edge {
  readonly index: number;
  readonly source: number;
  readonly target: number;
  readonly json: Json;
  readonly flipped: readonly { layer: number; neuron: number; from: number; to: number }[];
}

export function checkRegionGraph(input: CheckInput, net: Network, file: string): CheckReport {
  if (input.kind !== "json") return fail("(document)", "a region graph is one JSON document (tessera graph --json)");
  const doc = input.doc;
  if (doc.version !== 1) fail("version", `this tessera checks version 1, found ${JSON.stringify(doc.version)}`);
  const info = doc.network as Json | undefined;
  if (!info || info.inputs !== inputSize(net) || info.outputs !== outputSize(net)) fail("network", `inputs/outputs do not match the network (${inputSize(net)} → ${outputSize(net)})`);
  const resolved = resolveDomain(net, domainFromJson(doc.domain, file));
  const dyadic = isDyadicNetwork(resolved.network) && resolved.polyhedron.halfspaces.every((h) => isDyadicRational(h.b) && h.a.every(isDyadicRational));
  const F = (dyadic ? DyadicField : RationalField) as Field<unknown>;
  return checkGraphIn(F, doc, resolved.network, resolved.polyhedron);
}

function checkGraphIn<T>(F: Field<T>, doc: Json, sliced: Network, polyhedron: { readonly dim: number; readonly halfspaces: readonly { readonly a: readonly Rational[]; readonly b: Rational }[] }): CheckReport {
  const d = polyhedron.dim;
  const domainRows = polyhedron.halfspaces.map((h) => ({ a: h.a.map((v) => F.fromRational(v)), b: F.fromRational(h.b) }));
  // One pass for the source side, one for the target side's rare extra forms (flips in several layers).
  const pass = new SymbolicPass(F, sliced, d);
  const targetPass = new SymbolicPass(F, sliced, d);
  const sizes = pass.layerSizes();
  const acts = activationNodeIds(sliced).map((id) => sliced.nodes[id]!);
  const breakpointsQ = acts.map((node) => (node.kind === "activation" ? Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i).breakpoints) : []));
  const breakpoints = breakpointsQ.map((layer) => layer.map((bps) => bps.map((b) => F.fromRational(b))));

  if (!Array.isArray(doc.nodes)) return fail("nodes", "is not an array");
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  (doc.nodes as unknown[]).forEach((raw, i) => {
    const node = raw as Json | null;
    if (node === null || typeof node !== "object" || node.id !== i) fail(`nodes[${i}].id`, `expected ${i}`);
    const text = node!.pattern;
    const pattern = typeof text === "string" ? parsePattern(text) : undefined;
    const valid = pattern && pattern.length === sizes.length && pattern.every((layer, l) => layer.length === sizes[l] && layer.every((p, n) => Number.isInteger(p) && p >= 0 && p <= breakpointsQ[l]![n]!.length));
    if (!valid || formatPattern(pattern!) !== text) fail(`nodes[${i}].pattern`, `${JSON.stringify(text)} is not an activation pattern of this network`);
    if (seen.has(text as string)) fail(`nodes[${i}].pattern`, `${String(text)} is the pattern of an earlier node`);
    seen.add(text as string);
    patterns.push(pattern!);
  });

  // Structure first, in document order: two nodes, one edge per pair, the flipped neurons, the orientation.
  if (!Array.isArray(doc.edges)) return fail("edges", "is not an array");
  const pairs = new Set<string>();
  const edges: Edge[] = (doc.edges as unknown[]).map((raw, e) => {
    const where = `edges[${e}]`;
    const edge = raw as Json | null;
    if (edge === null || typeof edge !== "object") return fail(where, "is not an object");
    const { source, target } = edge;
    if (!Number.isInteger(source) || !Number.isInteger(target) || patterns[source as number] === undefined || patterns[target as number] === undefined || source === target) {
      fail(`${where}.source`, `source ${JSON.stringify(source)} and target ${JSON.stringify(target)} are not two nodes`);
    }
    const key = [source, target].sort().join("-");
    if (pairs.has(key)) fail(where, "two regions share at most one facet, and this pair has an earlier edge");
    pairs.add(key);
    const from = patterns[source as number]!;
    const to = patterns[target as number]!;
    const flipped: Edge["flipped"][number][] = [];
    from.forEach((layer, l) => layer.forEach((p, n) => p !== to[l]![n] && flipped.push({ layer: l, neuron: n, from: p, to: to[l]![n]! })));
    if (JSON.stringify(edge.neurons) !== JSON.stringify(flipped)) fail(`${where}.neurons`, `must list the neurons whose pieces differ: ${JSON.stringify(flipped)}`);
    const first = flipped[0];
    if (!first || first.to !== first.from + 1) fail(`${where}.source`, "the edge must point from the lower to the higher piece of its first flipped neuron");
    return { index: e, source: source as number, target: target as number, json: edge, flipped };
  });

  // Every node's exact output map, once, in node order (consecutive regions share most layer maps).
  // (The pass replaces a node's map when it recomputes it, never mutates it: the references stay valid.)
  const outputs: FieldMap<T>[] = patterns.map((pattern) => pass.output(pattern));

  // The exact checks, edge by edge, grouped by source in node order (the pass keeps the source's layer maps).
  const order = [...edges].sort((a, b) => a.source - b.source || a.index - b.index);
  const parent = patterns.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (const edge of order) {
    const where = `edges[${edge.index}]`;
    const from = patterns[edge.source]!;
    const to = patterns[edge.target]!;
    // p = P/D: every comparison of an affine form w·p + c with β is made as w·P + D·c against D·β.
    const { P: Pint, D: Dint } = scaled(rationals(edge.json.point, `${where}.point`, d));
    const P = Pint.map((v) => F.fromBigInt(v));
    const D = F.fromBigInt(Dint);
    domainRows.forEach((h, k) => {
      if (F.compare(F.dot(h.a, P), F.mul(h.b, D)) >= 0) fail(`${where}.point`, `is not strictly inside domain constraint ${k}`);
    });
    // Near the point, on the source side (g·(x − p) < 0) and the target side (> 0) of the facet's normal g (the
    // first flipped neuron's gradient), each neuron must keep its piece. A neuron strictly inside its piece at p
    // does; one at a breakpoint b between its pieces a < a+1 must have the form b + λ·g·(x − p) on each side
    // (its gradient a multiple λ of g, so the facet stays on its hyperplane), with λ·σ ≤ 0 where it is in piece a
    // and λ·σ > 0 where it is in piece a+1 (σ = ∓1 the side; a point at a breakpoint belongs to the lower piece).
    // The forms of both patterns agree at p (the activations are continuous), so z is computed once.
    const first = edge.flipped[0]!;
    const g = pass.layer(first.layer, from).M[first.neuron]!;
    const gk = g.findIndex((v) => F.sign(v) !== 0);
    if (gk < 0) fail(`${where}.neurons`, "the first flipped neuron's pre-activation is constant: it defines no facet");
    // The sign of λ with form = λ·g, or undefined when the form is not a multiple of g (cross products vanish).
    const multipleSign = (form: readonly T[]): number | undefined => {
      for (let k = 0; k < d; k++) if (F.compare(F.mul(form[k]!, g[gk]!), F.mul(g[k]!, form[gk]!)) !== 0) return undefined;
      return F.sign(form[gk]!) * F.sign(g[gk]!);
    };
    for (let l = 0; l < sizes.length; l++) {
      const z = pass.layer(l, from);
      // The target's forms of this layer are the source's when the two patterns agree on every earlier layer.
      const sameBefore = to.slice(0, l).every((layer, m) => layer.every((p, n) => p === from[m]![n]));
      for (let n = 0; n < sizes[l]!; n++) {
        const p = from[l]![n]!;
        const q = to[l]![n]!;
        const bp = breakpoints[l]![n]!;
        const zD = F.dot(z.M[n]!, P, F.mul(z.v[n]!, D));
        // zD against D·β (β = 0 for a ReLU: only the sign of zD).
        const side = (b: T): number => (F.sign(b) === 0 ? F.sign(zD) : F.compare(zD, F.mul(b, D)));
        if (p === q && (p === 0 || side(bp[p - 1]!) > 0) && (p === bp.length || side(bp[p]!) < 0)) continue;
        const place = `neuron ${n} of layer ${l}`;
        // At a breakpoint b: the neuron is in its lower or upper piece on each side (a non-flipped neuron may touch
        // its breakpoint from one side, as a sawtooth's tent touches 0).
        const b = bp.findIndex((v) => side(v) === 0);
        if (b < 0 || (p !== b && p !== b + 1) || (q !== b && q !== b + 1)) fail(`${where}.point`, `${place} is neither strictly inside its piece ${p} nor at the breakpoint between its pieces ${p} and ${q} there`);
        const targetForm = sameBefore ? z.M[n]! : targetPass.layer(l, to).M[n]!;
        const sides: [readonly T[], number, number][] = [[z.M[n]!, -1, p], [targetForm, 1, q]];
        for (const [form, sigma, piece] of sides) {
          const lambdaSign = multipleSign(form);
          if (lambdaSign === undefined) fail(`${where}.neurons`, `${place}: its hyperplane is not the facet's through the point (its gradient is not a multiple of the first flipped neuron's)`);
          const ls = lambdaSign! * sigma;
          if (piece === b ? ls > 0 : ls <= 0) fail(`${where}.neurons`, `${place} is not in its piece ${piece} on the ${sigma < 0 ? "source" : "target"} side of the facet`);
        }
      }
    }
    const mapFrom = outputs[edge.source]!;
    const mapTo = outputs[edge.target]!;
    const jump = mapTo.M.map((row, r) => row.map((v, k) => F.sub(v, mapFrom.M[r]![k]!)));
    const given = edge.json.jump;
    if (!Array.isArray(given) || given.length !== jump.length) fail(`${where}.jump`, `must have ${jump.length} rows`);
    jump.forEach((row, r) => {
      const givenRow = (given as unknown[])[r];
      if (!Array.isArray(givenRow) || givenRow.length !== d) fail(`${where}.jump[${r}]`, `must be an array of ${d} rational strings`);
      row.forEach((v, k) => {
        const text = (givenRow as unknown[])[k];
        const exact = F.toRational(v);
        // The writer prints the canonical form; any other spelling of the same value is parsed and compared.
        if (text === formatRational(exact)) return;
        const value = rationals([text], `${where}.jump[${r}][${k}]`, 1)[0]!;
        if (value.compare(exact) !== 0) fail(`${where}.jump[${r}][${k}]`, `is ${value.toFraction()}, the exact jump is ${exact.toFraction()}`);
      });
    });
    const same = jump.every((row) => row.every((v) => F.sign(v) === 0)) && mapTo.v.every((v, r) => F.compare(v, mapFrom.v[r]!) === 0);
    if (edge.json.sameMap !== same) fail(`${where}.sameMap`, `is ${JSON.stringify(edge.json.sameMap)}, the two affine maps are ${same ? "" : "not "}equal`);
    if (same) parent[root(edge.source)] = root(edge.target);
  }

  // Linear pieces: components of the sameMap edges, numbered 0, 1, … by their smallest region id.
  const pieceOf = new Map<number, number>();
  (doc.nodes as Json[]).forEach((node, i) => {
    const r = root(i);
    if (!pieceOf.has(r)) pieceOf.set(r, pieceOf.size);
    if (node.piece !== pieceOf.get(r)) fail(`nodes[${i}].piece`, `is ${JSON.stringify(node.piece)}; its sameMap component is piece ${pieceOf.get(r)!}`);
  });
  const counts = doc.counts as Json | undefined;
  if (!counts || counts.regions !== patterns.length) fail("counts.regions", `says ${JSON.stringify(counts?.regions)}, the graph has ${patterns.length} nodes`);
  if (counts!.edges !== pairs.size) fail("counts.edges", `says ${JSON.stringify(counts!.edges)}, the graph has ${pairs.size} edges`);
  if (counts!.linearPieces !== pieceOf.size) fail("counts.linearPieces", `says ${JSON.stringify(counts!.linearPieces)}, the sameMap edges give ${pieceOf.size} pieces`);
  const complete = doc.complete === true;
  return {
    ok: true,
    format: "tessera-region-graph",
    items: pairs.size,
    complete,
    message:
      `${pairs.size} edges verified (neurons, a point on one facet shared by the two regions, its orientation, jump, sameMap), ` +
      `node pieces and counts verified; informational (not checked): that each node is a region with interior and that no edge is missing — check the region map of the same run (tessera regions)`,
  };
}
