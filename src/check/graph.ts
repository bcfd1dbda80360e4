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
import { RationalField } from "../exact/field.js";
import { Rational, tryParseRational } from "../exact/rational.js";
import { domainFromJson } from "../formats/domain.js";
import { resolveDomain } from "../geometry/domain.js";
import { neuronFunction } from "../network/activation.js";
import { formatPattern, parsePattern } from "../network/evaluate.js";
import { activationNodeIds, inputSize, outputSize, type Network } from "../network/ir.js";
import { SymbolicPass } from "./symbolic.js";
import { CheckFailure, type CheckInput, type CheckReport } from "./types.js";

type Json = Record<string, unknown>;
type Pattern = number[][];

const fail = (where: string, message: string): never => {
  throw new CheckFailure(`${where}: ${message}`);
};

const F = RationalField;

function rationals(value: unknown, where: string, length: number): Rational[] {
  if (!Array.isArray(value) || value.length !== length) return fail(where, `must be an array of ${length} rational strings`);
  return value.map((v, k) => {
    const r = typeof v === "string" ? tryParseRational(v, { maxDigits: Infinity }) : undefined;
    return r ?? fail(`${where}[${k}]`, `${JSON.stringify(v)} is not a rational string`);
  });
}

function dot(a: readonly Rational[], x: readonly Rational[]): Rational {
  return a.reduce((s, v, k) => (v.n === 0n ? s : s.add(v.mul(x[k]!))), F.zero);
}

/** λ with b = λ·a (a nonzero), or undefined when b is not a multiple of a. */
function multiple(a: readonly Rational[], b: readonly Rational[]): Rational | undefined {
  const k = a.findIndex((v) => v.n !== 0n);
  if (k < 0) return undefined;
  const lambda = b[k]!.div(a[k]!);
  return a.every((v, i) => v.mul(lambda).compare(b[i]!) === 0) ? lambda : undefined;
}

export function checkRegionGraph(input: CheckInput, net: Network, file: string): CheckReport {
  if (input.kind !== "json") return fail("(document)", "a region graph is one JSON document (tessera graph --json)");
  const doc = input.doc;
  if (doc.version !== 1) fail("version", `this tessera checks version 1, found ${JSON.stringify(doc.version)}`);
  const info = doc.network as Json | undefined;
  if (!info || info.inputs !== inputSize(net) || info.outputs !== outputSize(net)) fail("network", `inputs/outputs do not match the network (${inputSize(net)} → ${outputSize(net)})`);
  const resolved = resolveDomain(net, domainFromJson(doc.domain, file));
  const sliced = resolved.network;
  const d = resolved.polyhedron.dim;
  const domainRows = resolved.polyhedron.halfspaces;
  // One pass per side: each caches its layer maps by pattern prefix, so alternating patterns recomputes nothing twice.
  const pass = new SymbolicPass(F, sliced, d);
  const targetPass = new SymbolicPass(F, sliced, d);
  const sizes = pass.layerSizes();
  const acts = activationNodeIds(sliced).map((id) => sliced.nodes[id]!);
  const breakpoints = acts.map((node) => (node.kind === "activation" ? Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i).breakpoints) : []));

  if (!Array.isArray(doc.nodes)) return fail("nodes", "is not an array");
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  (doc.nodes as unknown[]).forEach((raw, i) => {
    const node = raw as Json | null;
    if (node === null || typeof node !== "object" || node.id !== i) fail(`nodes[${i}].id`, `expected ${i}`);
    const text = node!.pattern;
    const pattern = typeof text === "string" ? parsePattern(text) : undefined;
    const valid = pattern && pattern.length === sizes.length && pattern.every((layer, l) => layer.length === sizes[l] && layer.every((p, n) => Number.isInteger(p) && p >= 0 && p <= breakpoints[l]![n]!.length));
    if (!valid || formatPattern(pattern!) !== text) fail(`nodes[${i}].pattern`, `${JSON.stringify(text)} is not an activation pattern of this network`);
    if (seen.has(text as string)) fail(`nodes[${i}].pattern`, `${String(text)} is the pattern of an earlier node`);
    seen.add(text as string);
    patterns.push(pattern!);
  });

  if (!Array.isArray(doc.edges)) return fail("edges", "is not an array");
  const parent = patterns.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const pairs = new Set<string>();
  (doc.edges as unknown[]).forEach((raw, e) => {
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
    const flipped: { layer: number; neuron: number }[] = [];
    from.forEach((layer, l) => layer.forEach((p, n) => p !== to[l]![n] && flipped.push({ layer: l, neuron: n })));
    const listed = edge.neurons;
    const expected = flipped.map(({ layer, neuron }) => ({ layer, neuron, from: from[layer]![neuron], to: to[layer]![neuron] }));
    if (JSON.stringify(listed) !== JSON.stringify(expected)) fail(`${where}.neurons`, `must list the neurons whose pieces differ: ${JSON.stringify(expected)}`);
    const point = rationals(edge.point, `${where}.point`, d);
    domainRows.forEach((h, k) => {
      if (dot(h.a, point).compare(h.b) >= 0) fail(`${where}.point`, `is not strictly inside domain constraint ${k}`);
    });
    // Near the point, on the source side (g·(x − p) < 0) and the target side (> 0) of the facet's normal g (the
    // first flipped neuron's gradient), each neuron must keep its piece. A neuron strictly inside its piece at p
    // does; one at a breakpoint b between its pieces a < a+1 must have the form b + λ·g·(x − p) on each side
    // (its gradient a multiple λ of g, so the facet stays on its hyperplane), with λ·σ ≤ 0 where it is in piece a
    // and λ·σ > 0 where it is in piece a+1 (σ = ∓1 the side; a point at a breakpoint belongs to the lower piece).
    // The forms of both patterns agree at p (the activations are continuous), so z is computed once.
    const first = expected[0];
    if (!first || first.to !== first.from + 1) fail(`${where}.source`, "the edge must point from the lower to the higher piece of its first flipped neuron");
    const g = [...pass.preactivation(first!.layer, first!.neuron, from).w];
    if (g.every((v) => v.n === 0n)) fail(`${where}.neurons`, "the first flipped neuron's pre-activation is constant: it defines no facet");
    from.forEach((layer, l) =>
      layer.forEach((p, n) => {
        const { w, c } = pass.preactivation(l, n, from);
        const z = dot(w, point).add(c);
        const bp = breakpoints[l]![n]!;
        const q = to[l]![n]!;
        const place = `neuron ${n} of layer ${l}`;
        if (p === q && (p === 0 || z.compare(bp[p - 1]!) > 0) && (p === bp.length || z.compare(bp[p]!) < 0)) return;
        // At a breakpoint b: the neuron is in its lower or upper piece on each side (a non-flipped neuron may touch
        // its breakpoint from one side, as a sawtooth's tent touches 0).
        const b = bp.findIndex((v) => v.compare(z) === 0);
        if (b < 0 || (p !== b && p !== b + 1) || (q !== b && q !== b + 1)) fail(`${where}.point`, `${place} is neither strictly inside its piece ${p} nor at the breakpoint between its pieces ${p} and ${q} there`);
        const sides: [readonly Rational[], number, number][] = [[w, -1, p], [targetPass.preactivation(l, n, to).w, 1, q]];
        for (const [form, sigma, piece] of sides) {
          const lambda = multiple(g, form);
          if (lambda === undefined) fail(`${where}.neurons`, `${place}: its hyperplane is not the facet's through the point (its gradient is not a multiple of the first flipped neuron's)`);
          const ls = lambda!.s * lambda!.n * BigInt(sigma);
          if (piece === b ? ls > 0n : ls <= 0n) fail(`${where}.neurons`, `${place} is not in its piece ${piece} on the ${sigma < 0 ? "source" : "target"} side of the facet`);
        }
      }),
    );
    const mapFrom = pass.output(from);
    const M0 = mapFrom.M.map((row) => [...row]);
    const c0 = [...mapFrom.v];
    const mapTo = targetPass.output(to);
    const jump = mapTo.M.map((row, r) => row.map((v, k) => v.sub(M0[r]![k]!)));
    if (!Array.isArray(edge.jump) || edge.jump.length !== jump.length) fail(`${where}.jump`, `must have ${jump.length} rows`);
    jump.forEach((row, r) =>
      rationals((edge.jump as unknown[])[r], `${where}.jump[${r}]`, d).forEach((v, k) => {
        if (v.compare(row[k]!) !== 0) fail(`${where}.jump[${r}][${k}]`, `is ${v.toFraction()}, the exact jump is ${row[k]!.toFraction()}`);
      }),
    );
    const same = jump.every((row) => row.every((v) => v.n === 0n)) && mapTo.v.every((v, r) => v.compare(c0[r]!) === 0);
    if (edge.sameMap !== same) fail(`${where}.sameMap`, `is ${JSON.stringify(edge.sameMap)}, the two affine maps are ${same ? "" : "not "}equal`);
    if (same) parent[root(source as number)] = root(target as number);
  });

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
