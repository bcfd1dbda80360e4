// Input domains: resolving a DomainSpec against a network into (the network the engine runs, the H-form
// polyhedron of its input). A slice x = origin + U·t becomes an affine layer put in front of the network,
// so nothing downstream knows about slices; its polyhedron is in slice coordinates. Domains are read and
// written (flags, files, JSON, VNN-LIB) in formats/domain.ts.
import { UsageError } from "../errors.js";
import { lcmOfDenominators } from "../exact/bigint.js";
import { RationalField } from "../exact/field.js";
import { dot } from "../exact/linalg.js";
import { ONE, ZERO, Rational, formatRational } from "../exact/rational.js";
import type { AffineNode, Network, NetworkNode } from "../network/ir.js";
import { inputSize } from "../network/ir.js";
import type { DomainSpec, Halfspace, Polyhedron } from "./types.js";
import { checkDeadline } from "./deadline.js";

export interface ResolvedDomain {
  readonly spec: DomainSpec;
  /** The network the engine enumerates: the given one, with the slice layer in front for a slice. */
  readonly network: Network;
  /** The domain in the engine's input coordinates (slice coordinates for a slice). */
  readonly polyhedron: Polyhedron;
}

/** a·x ≤ b. */
export function lessEq(a: readonly Rational[], b: Rational): Halfspace {
  return { a, b };
}

/** The box lo ≤ x ≤ hi as half-spaces: x_i ≤ hi_i (row 2i), -x_i ≤ -lo_i (row 2i+1). */
export function boxHalfspaces(lo: readonly Rational[], hi: readonly Rational[]): Halfspace[] {
  const d = lo.length;
  const out: Halfspace[] = [];
  // The zeros are one shared constant: a box in thousands of dimensions has millions of them.
  const minusOne = ONE.neg();
  for (let i = 0; i < d; i++) {
    checkDeadline();
    const e = new Array<Rational>(d).fill(ZERO);
    const f = new Array<Rational>(d).fill(ZERO);
    e[i] = ONE;
    f[i] = minusOne;
    out.push(lessEq(e, hi[i]!), lessEq(f, lo[i]!.neg()));
  }
  return out;
}

/** The default domain: the network's input box when it names one, else all of R^d. */
export function defaultDomain(net: Network): DomainSpec {
  if (net.inputBox) return { kind: "box", lo: net.inputBox.map(([lo]) => lo), hi: net.inputBox.map(([, hi]) => hi) };
  return { kind: "all", dim: inputSize(net) };
}

/** A line (2 points) or plane (3 points) slice through the input space, optionally restricted. */
export function sliceDomain(points: readonly (readonly Rational[])[], within?: DomainSpec): DomainSpec {
  if (points.length !== 2 && points.length !== 3) throw new UsageError(`geometry/domain: a slice needs 2 or 3 points, not ${points.length}`);
  const origin = points[0]!;
  const directions = points.slice(1).map((p) => p.map((v, i) => v.sub(origin[i]!)));
  return { kind: "slice", shape: points.length === 2 ? "line" : "plane", points, origin, directions, ...(within ? { within } : {}) };
}

/** The half-spaces of a non-slice domain in input space. */
function inputHalfspaces(spec: DomainSpec): Halfspace[] {
  switch (spec.kind) {
    case "all":
      return [];
    case "box":
      return boxHalfspaces(spec.lo, spec.hi);
    case "polytope":
      return [...spec.polyhedron.halfspaces];
    case "slice":
      throw new UsageError("geometry/domain: a slice cannot be restricted to another slice");
    default: {
      const never: never = spec;
      throw new Error(`geometry/domain: unknown domain ${JSON.stringify(never)}`);
    }
  }
}

/** The dimension of the space a domain lives in (1 for a line, 2 for a plane, else the number of inputs). */
export function specDim(spec: DomainSpec): number {
  switch (spec.kind) {
    case "all":
      return spec.dim;
    case "box":
      return spec.lo.length;
    case "polytope":
      return spec.polyhedron.dim;
    case "slice":
      return spec.origin.length;
  }
}

/** Resolutions made, per network and domain object (both immutable): a command resolves its domain several times. */
const resolved = new WeakMap<Network, WeakMap<DomainSpec, ResolvedDomain>>();

/**
 * Resolve a domain against a network (sizes checked; the slice layer prepended). The same network and domain
 * give the same object, so what is cached per network (its float and fixed-point forms, whether it is dyadic)
 * is made once for a slice too (a plane through a network at the parameter limit: a second of `plot`'s set-up).
 */
export function resolveDomain(net: Network, spec: DomainSpec = defaultDomain(net)): ResolvedDomain {
  let perNet = resolved.get(net);
  if (!perNet) resolved.set(net, (perNet = new WeakMap()));
  let out = perNet.get(spec);
  if (!out) perNet.set(spec, (out = resolveAnew(net, spec)));
  return out;
}

function resolveAnew(net: Network, spec: DomainSpec): ResolvedDomain {
  const n = inputSize(net);
  const dim = specDim(spec);
  if (dim !== n) throw new UsageError(`geometry/domain: the domain is ${dim}-dimensional, the network takes ${n} inputs`);
  if (spec.kind === "box") {
    spec.lo.forEach((lo, i) => {
      if (lo.compare(spec.hi[i]!) >= 0) throw new UsageError(`geometry/domain: box interval ${i + 1} is empty or a point (${formatRational(lo)}:${formatRational(spec.hi[i]!)})`);
    });
  }
  if (spec.kind !== "slice") return { spec, network: net, polyhedron: { dim: n, halfspaces: inputHalfspaces(spec).map(integral) } };
  if (spec.within && specDim(spec.within) !== n) throw new UsageError(`geometry/domain: the slice restriction is ${specDim(spec.within)}-dimensional, the network takes ${n} inputs`);
  const k = spec.directions.length;
  // Restriction a·x ≤ b with x = o + U t becomes (a·U)·t ≤ b - a·o.
  // Products with zero skipped (a box's rows have one nonzero: 4,094 rows × 2047 coordinates at the parameter
  // limit were 25·10^6 rational products, 8 CPU s of plot's set-up).
  const halfspaces = (spec.within ? inputHalfspaces(spec.within) : []).map((h) => {
    checkDeadline();
    const aU = spec.directions.map((u) => dot(RationalField, u, h.a));
    const ao = dot(RationalField, spec.origin, h.a);
    return lessEq(aU, h.b.sub(ao));
  });
  return { spec, network: sliceNetwork(net, spec.origin, spec.directions), polyhedron: { dim: k, halfspaces: halfspaces.map(integral) } };
}

/**
 * The same half-space with integer coefficients (a·x ≤ b times the lcm of its denominators), so decimal
 * domains such as 0.6 ≤ x keep dyadic networks on the dyadic fast path. Integer rows are unchanged.
 */
export function integral(h: Halfspace): Halfspace {
  const l = lcmOfDenominators([...h.a, h.b]);
  if (l === 1n) return h;
  const f = new Rational(l, 1n);
  return lessEq(h.a.map((v) => v.mul(f)), h.b.mul(f));
}

/** The network x ↦ net(origin + U·t), as a new IR with one affine node in front (ids shifted by one). */
export function sliceNetwork(net: Network, origin: readonly Rational[], directions: readonly (readonly Rational[])[]): Network {
  const k = directions.length;
  const n = origin.length;
  const weights = Array.from({ length: n }, (_, i) => directions.map((u) => u[i]!));
  const slice: AffineNode = { kind: "affine", name: "slice", inputs: [0], weights, bias: [...origin], size: n };
  const shift = (id: number): number => id + 1;
  const rest: NetworkNode[] = net.nodes.slice(1).map((node) => {
    if (node.kind === "affine") return { ...node, inputs: node.inputs.map(shift) };
    if (node.kind === "activation") return { ...node, input: shift(node.input) };
    return node;
  });
  const input: NetworkNode = { kind: "input", name: k === 1 ? "t" : "st", size: k };
  return { nodes: [input, slice, ...rest], output: shift(net.output), meta: net.meta };
}
