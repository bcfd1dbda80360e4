// VNN-LIB property files (the VNN-COMP subset of SMT-LIB): `(declare-const X_i Real)`, `(declare-const Y_j
// Real)` and `(assert F)` with F built from <=, >=, <, >, =, and, or over linear terms (+, -, *, / by
// constants), numbers in decimal and scientific notation read exactly. The file describes the UNSAFE set:
// inputs in one of `inputRegions` whose outputs satisfy `outputDnf` (an or of ands of linear constraints).
import { InputError } from "../errors.js";
import { ONE, ZERO, formatRational, notRationalMessage, sign, tryParseRational, type Rational } from "../exact/rational.js";
import type { DomainSpec, Halfspace } from "../geometry/types.js";
import { readFileBytes } from "./load.js";
import { parseSExprs, positionText, type Position, type SExpr } from "./sexpr.js";

/** A disjunct of the input condition: a box when every constraint bounds one variable, else a polytope. */
export type InputRegion =
  | { readonly kind: "box"; readonly lo: readonly Rational[]; readonly hi: readonly Rational[] }
  | { readonly kind: "polytope"; readonly halfspaces: readonly Halfspace[] };

/** coeffs·Y ≤ rhs (coeffs·Y < rhs when strict). `(>= Y_0 Y_1)` is −Y_0 + Y_1 ≤ 0. */
export interface OutputClause {
  readonly coeffs: readonly Rational[];
  readonly rhs: Rational;
  readonly strict?: boolean;
}

export interface VnnlibSpec {
  readonly file: string;
  /** Number of X_i (the network inputs) and Y_j (outputs). */
  readonly inputs: number;
  readonly outputs: number;
  /** The input condition as a disjunction of regions (strict input bounds are taken closed). */
  readonly inputRegions: readonly InputRegion[];
  /** The output condition of the unsafe set: OR over the outer list of AND over each inner list. */
  readonly outputDnf: readonly (readonly OutputClause[])[];
}

/** A linear constraint Σ terms ≤ rhs over named variables (X_i, Y_j), with its place in the file. */
interface Atom {
  readonly terms: ReadonlyMap<string, Rational>;
  readonly rhs: Rational;
  readonly strict: boolean;
  readonly at: Position;
}

type Dnf = Atom[][];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const VARIABLE = /^([XY])_(0|[1-9]\d*)$/;
const IGNORED_COMMANDS = new Set(["check-sat", "get-model", "set-logic", "set-info", "set-option", "exit"]);
/** DNFs larger than this are refused rather than built. */
const MAX_DNF_TERMS = 100_000;

class VnnlibReader {
  readonly declared = new Set<string>();

  constructor(readonly file: string) {}

  fail(at: Position, reason: string): never {
    throw new InputError(this.file, positionText(at), reason);
  }

  /** A linear term: variable coefficients and a constant. */
  term(e: SExpr): { vars: Map<string, Rational>; constant: Rational } {
    if (e.kind === "atom") {
      if (NUMBER.test(e.text)) {
        const constant = tryParseRational(e.text);
        if (constant === undefined) this.fail(e.at, notRationalMessage(e.text));
        return { vars: new Map(), constant };
      }
      if (this.declared.has(e.text)) return { vars: new Map([[e.text, ONE]]), constant: ZERO };
      if (VARIABLE.test(e.text)) this.fail(e.at, `undeclared variable ${e.text} (add (declare-const ${e.text} Real))`);
      this.fail(e.at, `unknown symbol ${JSON.stringify(e.text)} in a term`);
    }
    const [head, ...args] = e.items;
    if (!head || head.kind !== "atom") this.fail(e.at, "a term must start with an operator");
    const parts = args.map((a) => this.term(a));
    const sum = (items: typeof parts, signs: Rational[]) => {
      const vars = new Map<string, Rational>();
      let constant = ZERO;
      items.forEach((p, k) => {
        constant = constant.add(p.constant.mul(signs[k]!));
        for (const [v, c] of p.vars) vars.set(v, (vars.get(v) ?? ZERO).add(c.mul(signs[k]!)));
      });
      return { vars, constant };
    };
    switch (head.text) {
      case "+":
        return sum(parts, parts.map(() => ONE));
      case "-":
        if (parts.length === 0) this.fail(e.at, "- needs an argument");
        return parts.length === 1 ? sum(parts, [ONE.neg()]) : sum(parts, parts.map((_, k) => (k === 0 ? ONE : ONE.neg())));
      case "*": {
        const variable = parts.filter((p) => p.vars.size > 0);
        if (variable.length > 1) this.fail(e.at, "non-linear term: a product of two terms that both contain variables");
        const factor = parts.filter((p) => p.vars.size === 0).reduce((f, p) => f.mul(p.constant), ONE);
        return sum(variable.length ? variable : [{ vars: new Map(), constant: ONE }], [factor]);
      }
      case "/": {
        if (parts.length !== 2) this.fail(e.at, "/ needs two arguments");
        if (parts[1]!.vars.size > 0) this.fail(e.at, "non-linear term: division by a term that contains variables");
        if (parts[1]!.constant.n === 0n) this.fail(e.at, "division by zero");
        return sum([parts[0]!], [parts[1]!.constant.inverse()]);
      }
      default:
        this.fail(head.at, `unknown operator ${JSON.stringify(head.text)} in a term (known: + - * /)`);
    }
  }

  /** a − b ≤ 0 (strict for < and >). */
  private compare(a: SExpr, b: SExpr, strict: boolean, at: Position): Atom {
    const l = this.term(a);
    const r = this.term(b);
    const terms = new Map(l.vars);
    for (const [v, c] of r.vars) terms.set(v, (terms.get(v) ?? ZERO).sub(c));
    for (const [v, c] of [...terms]) if (c.n === 0n) terms.delete(v);
    return { terms, rhs: r.constant.sub(l.constant), strict, at };
  }

  /** The formula in disjunctive normal form. */
  formula(e: SExpr): Dnf {
    if (e.kind === "atom") this.fail(e.at, `expected a constraint such as (<= X_0 1), found ${JSON.stringify(e.text)}`);
    const [head, ...args] = e.items;
    if (!head || head.kind !== "atom") this.fail(e.at, "a constraint must start with an operator");
    const op = head.text;
    if (op === "and") return args.map((a) => this.formula(a)).reduce((acc, d) => this.product(acc, d, e.at), [[]] as Dnf);
    if (op === "or") return args.flatMap((a) => this.formula(a));
    if (!["<=", ">=", "<", ">", "="].includes(op)) this.fail(head.at, `unknown operator ${JSON.stringify(op)} (known: and, or, <=, >=, <, >, =)`);
    if (args.length < 2) this.fail(e.at, `${op} needs at least two arguments`);
    const atoms: Atom[] = [];
    for (let k = 0; k + 1 < args.length; k++) {
      const [a, b] = [args[k]!, args[k + 1]!];
      if (op === "<=" || op === "<" || op === "=") atoms.push(this.compare(a, b, op === "<", e.at));
      if (op === ">=" || op === ">" || op === "=") atoms.push(this.compare(b, a, op === ">", e.at));
    }
    return [atoms];
  }

  product(a: Dnf, b: Dnf, at: Position): Dnf {
    if (a.length * b.length > MAX_DNF_TERMS) this.fail(at, `the condition expands to more than ${MAX_DNF_TERMS} disjuncts`);
    return a.flatMap((x) => b.map((y) => [...x, ...y]));
  }
}

function sideOf(atom: Atom): "X" | "Y" | "none" | "mixed" {
  let side: "X" | "Y" | "none" = "none";
  for (const v of atom.terms.keys()) {
    const s = v[0] as "X" | "Y";
    if (side !== "none" && side !== s) return "mixed";
    side = s;
  }
  return side;
}

function isOne(r: Rational): boolean {
  return r.s === 1n && r.n === 1n && r.d === 1n;
}

/** For a constraint without variables (0 ≤ rhs, or 0 < rhs when strict): whether it holds. */
function constantHolds(atom: Atom): boolean {
  return atom.strict ? sign(atom.rhs) > 0 : sign(atom.rhs) >= 0;
}

function keyOf(atoms: readonly Atom[]): string {
  return atoms.map((a) => [...a.terms].map(([v, c]) => `${v}*${c.toFraction()}`).join("+") + (a.strict ? "<" : "<=") + a.rhs.toFraction()).sort().join("&");
}

/** Split one assertion's DNF into an input factor and an output factor (its terms must pair as a product). */
function splitAssertion(r: VnnlibReader, dnf: Dnf, at: Position): [Dnf, Dnf] {
  if (dnf.length === 1) {
    const term = dnf[0]!;
    for (const atom of term) if (sideOf(atom) === "mixed") r.fail(atom.at, "a constraint that mixes input (X) and output (Y) variables is not supported");
    return [[term.filter((a) => sideOf(a) === "X")], [term.filter((a) => sideOf(a) === "Y")]];
  }
  const parts = dnf.map((term) => {
    for (const atom of term) if (sideOf(atom) === "mixed") r.fail(atom.at, "a constraint that mixes input (X) and output (Y) variables is not supported");
    return [term.filter((a) => sideOf(a) === "X"), term.filter((a) => sideOf(a) === "Y")] as const;
  });
  const xKeys = new Set(parts.map(([x]) => keyOf(x)));
  const yKeys = new Set(parts.map(([, y]) => keyOf(y)));
  if (yKeys.size === 1) return [parts.map(([x]) => x), [parts[0]![1]]];
  if (xKeys.size === 1) return [[parts[0]![0]], parts.map(([, y]) => y)];
  return r.fail(at, "an or whose branches pair different input regions with different output conditions is not supported");
}

/** A disjunct of the input condition; an empty box (some X_i ≥ lo and ≤ hi with lo > hi) is refused at its bound. */
function inputRegion(r: VnnlibReader, atoms: readonly Atom[], inputs: number, region: number): InputRegion {
  const index = (v: string) => Number(v.slice(2));
  const lo: (Rational | undefined)[] = new Array(inputs).fill(undefined);
  const hi: (Rational | undefined)[] = new Array(inputs).fill(undefined);
  const loAt: Position[] = [];
  let boxShaped = true;
  for (const atom of atoms) {
    if (atom.terms.size !== 1) {
      boxShaped = false;
      continue;
    }
    const [v, c] = [...atom.terms][0]!;
    const bound = isOne(c) ? atom.rhs : isOne(c.neg()) ? atom.rhs.neg() : atom.rhs.div(c);
    const i = index(v);
    if (c.s > 0n) hi[i] = hi[i] === undefined || bound.compare(hi[i]!) < 0 ? bound : hi[i];
    else if (lo[i] === undefined || bound.compare(lo[i]!) > 0) {
      lo[i] = bound;
      loAt[i] = atom.at;
    }
  }
  lo.forEach((l, i) => {
    const h = hi[i];
    if (l !== undefined && h !== undefined && l.compare(h) > 0) {
      r.fail(loAt[i]!, `input box ${region} is empty: X_${i} ≥ ${formatRational(l)} and ≤ ${formatRational(h)}`);
    }
  });
  if (boxShaped && lo.every((x) => x !== undefined) && hi.every((x) => x !== undefined)) {
    return { kind: "box", lo: lo as Rational[], hi: hi as Rational[] };
  }
  return {
    kind: "polytope",
    halfspaces: atoms.map((atom) => {
      const a = new Array<Rational>(inputs).fill(ZERO);
      for (const [v, c] of atom.terms) a[index(v)] = c;
      return { a, b: atom.rhs };
    }),
  };
}

/** The conjunction of DNFs as one DNF: single-term factors are merged first (no quadratic copying). */
function conjoin(r: VnnlibReader, factors: readonly Dnf[]): Dnf {
  const single = factors.filter((f) => f.length === 1).flatMap((f) => f[0]!);
  const at = { line: 1, column: 1 };
  return factors.filter((f) => f.length !== 1).reduce((acc, f) => r.product(acc, f, at), [single] as Dnf);
}

/** Parse VNN-LIB text. `file` names the source in errors. */
export function readVnnlib(text: string, file: string): VnnlibSpec {
  const r: VnnlibReader = new VnnlibReader(file);
  const inputFactors: Dnf[] = [];
  const outputFactors: Dnf[] = [];
  for (const command of parseSExprs(text, file)) {
    const expected = "expected a command such as (declare-const X_0 Real) or (assert ...)";
    if (command.kind !== "list") r.fail(command.at, expected);
    const head = command.items[0];
    if (head?.kind !== "atom") r.fail(command.at, expected);
    if (head.text === "declare-const") {
      const [, name, sort] = command.items;
      if (name?.kind !== "atom" || !VARIABLE.test(name.text)) r.fail(command.at, "declare-const needs a variable named X_<i> (input) or Y_<j> (output)");
      if (sort?.kind !== "atom" || sort.text !== "Real") r.fail(sort?.at ?? command.at, `${name.text} must have sort Real`);
      if (r.declared.has(name.text)) r.fail(name.at, `${name.text} is declared twice`);
      r.declared.add(name.text);
    } else if (head.text === "assert") {
      if (command.items.length !== 2) r.fail(command.at, "assert takes exactly one formula");
      // Constraints without variables are decided now: a false one removes its disjunct, a true one is dropped.
      const live = r
        .formula(command.items[1]!)
        .filter((term) => term.every((atom) => sideOf(atom) !== "none" || constantHolds(atom)))
        .map((term) => term.filter((atom) => sideOf(atom) !== "none"));
      const [x, y] = live.length ? splitAssertion(r, live, command.at) : [[], []];
      inputFactors.push(x);
      outputFactors.push(y);
    } else if (!IGNORED_COMMANDS.has(head.text)) {
      r.fail(head.at, `unknown command ${JSON.stringify(head.text)} (known: declare-const, assert)`);
    }
  }
  const count = (letter: string) => {
    const indices = [...r.declared].filter((v) => v[0] === letter).map((v) => Number(v.slice(2))).sort((a, b) => a - b);
    indices.forEach((v, k) => {
      if (v !== k) throw new InputError(file, "declarations", `${letter}_${k} is not declared, but ${letter}_${v} is (they must be numbered from 0)`);
    });
    return indices.length;
  };
  const inputs = count("X");
  const outputs = count("Y");
  const inputFactor = conjoin(r, inputFactors);
  const outputFactor = conjoin(r, outputFactors);
  return {
    file,
    inputs,
    outputs,
    inputRegions: inputFactor.map((term, k) => inputRegion(r, term, inputs, k)),
    outputDnf: outputFactor.map((term) =>
      term.map((atom): OutputClause => {
        const coeffs = new Array<Rational>(outputs).fill(ZERO);
        for (const [v, c] of atom.terms) coeffs[Number(v.slice(2))] = c;
        return atom.strict ? { coeffs, rhs: atom.rhs, strict: true } : { coeffs, rhs: atom.rhs };
      }),
    ),
  };
}

/** Read a VNN-LIB file from disk. */
export function loadVnnlib(file: string): VnnlibSpec {
  return readVnnlib(new TextDecoder().decode(readFileBytes(file)), file);
}

/** The spec's input regions as domains (one per disjunct), for `--property FILE.vnnlib`. */
export function vnnlibInputDomains(spec: VnnlibSpec): DomainSpec[] {
  return spec.inputRegions.map((region): DomainSpec =>
    region.kind === "box"
      ? { kind: "box", lo: region.lo, hi: region.hi }
      : { kind: "polytope", polyhedron: { dim: spec.inputs, halfspaces: region.halfspaces }, file: spec.file },
  );
}
