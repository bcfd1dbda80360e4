// The part file of `verify --shard i/N -o PART` (docs/formats/part.md, "verify parts"; JSON Schema
// docs/schema/part.schema.json): the shard's cut of the branch-and-bound trees, its closed units' trees and its
// counterexample, as one JSON document that `tessera merge` reads. Floats (boxes, split points, multipliers)
// travel as the base64 of their IEEE-754 bytes (src/queue/branch-units.ts), so the merged certificate is
// byte-identical to one run's. Nothing in a part is trusted: the reader checks every shape and names the place
// of the first bad value, and merge re-checks a counterexample exactly and checks that the trees tile.
import { InputError } from "../errors.js";
import { formatRational, tryParseRational } from "../exact/rational.js";
import { networkSha256, networkToJson } from "../formats/network-json.js";
import { inputSize, outputSize, type Network } from "../network/ir.js";
import { parseProblem, problemSha256, serializeProblem, type SerializedProblem } from "../analysis/certificate.js";
import type { VerificationProblem } from "../analysis/problem.js";
import type { NodeRef, RootedTree, VerifyCut, VerifyShard } from "../analysis/verify-shard.js";
import { treeFromJson, treeToJson, type TreeJson } from "../queue/branch-units.js";
import { PART_FORMAT, PART_VERSION } from "../regions/part-file.js";
import { WORK_UNIT_VERSION } from "../regions/work-unit.js";
import { packageVersion } from "./version.js";

export interface VerifyPartDoc {
  readonly format: typeof PART_FORMAT;
  readonly version: typeof PART_VERSION;
  readonly workUnitVersion: number;
  readonly tessera: string;
  readonly command: "verify";
  readonly shard: { readonly index: number; readonly count: number };
  readonly network: { readonly sha256: string; readonly inputs: number; readonly outputs: number; readonly file?: string };
  readonly networkJson: object;
  readonly property: { readonly sha256: string; readonly file?: string };
  readonly problem: SerializedProblem;
  /** What changes the tree: the split rule, and how many units per shard the cut makes. */
  readonly settings: { readonly split: "input" | "relu"; readonly unitsPerShard: number };
  readonly complete: boolean;
  readonly status: "complete" | "violated" | "timeout" | "unknown";
  readonly result: VerifyShard["result"];
  readonly reason?: string;
  readonly counterexample?: { readonly box: number; readonly input: readonly string[] };
  readonly verify: {
    readonly cut?: VerifyCut<TreeJson>;
    readonly closed: readonly RootedTree<TreeJson>[];
    readonly open: readonly NodeRef[];
  };
  readonly stats: VerifyShard["stats"];
}

export interface VerifyPartInput {
  readonly net: Network;
  readonly problem: VerificationProblem;
  readonly shard: { readonly index: number; readonly count: number };
  readonly files: { readonly network: string; readonly property: string };
  readonly settings: VerifyPartDoc["settings"];
}

const rootedToJson = (t: RootedTree): RootedTree<TreeJson> => ({ case: t.case, path: t.path, tree: treeToJson(t.tree) });

export function verifyPartDoc(shard: VerifyShard, input: VerifyPartInput): VerifyPartDoc {
  const status = shard.result === "violated" ? "violated" : !shard.complete ? "timeout" : shard.result === "unknown" ? "unknown" : "complete";
  const cut = shard.cut;
  return {
    format: PART_FORMAT,
    version: PART_VERSION,
    workUnitVersion: WORK_UNIT_VERSION,
    tessera: packageVersion(),
    command: "verify",
    shard: input.shard,
    network: { sha256: networkSha256(input.net), inputs: inputSize(input.net), outputs: outputSize(input.net), file: input.files.network },
    networkJson: networkToJson(input.net),
    property: { sha256: problemSha256(input.problem), file: input.files.property },
    problem: serializeProblem(input.problem),
    settings: input.settings,
    complete: shard.complete,
    status,
    result: shard.result,
    ...(shard.reason !== undefined ? { reason: shard.reason } : {}),
    ...(shard.counterexample ? { counterexample: { box: shard.counterexample.box, input: shard.counterexample.input.map(formatRational) } } : {}),
    verify: {
      ...(cut
        ? {
            cut: {
              openCases: cut.openCases,
              closedCases: cut.closedCases.map((c) => ({ box: c.box, disjunct: c.disjunct, tree: treeToJson(c.tree) })),
              top: cut.top.map(rootedToJson),
              units: cut.units,
            },
          }
        : {}),
      closed: shard.closed.map(rootedToJson),
      open: shard.open,
    },
    stats: shard.stats,
  };
}

type Json = Record<string, unknown>;

/** Read a verify part (already parsed JSON whose `command` is "verify"); every error names the file and the JSON path. */
export function readVerifyPart(json: unknown, file: string): { doc: VerifyPartDoc; problem: VerificationProblem; shard: VerifyShard } {
  const fail = (where: string, what: string): never => {
    throw new InputError(file, where, what);
  };
  const obj = (v: unknown, where: string): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : fail(where, "is not an object"));
  const arr = (v: unknown, where: string): unknown[] => (Array.isArray(v) ? v : fail(where, "is not an array"));
  const nat = (v: unknown, where: string): number => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail(where, `${JSON.stringify(v)} is not an integer ≥ 0`));
  const str = (v: unknown, where: string): string => (typeof v === "string" ? v : fail(where, "is not a string"));
  const doc = obj(json, "(document)");
  if (doc.format !== PART_FORMAT) fail("format", `${JSON.stringify(doc.format)} is not "${PART_FORMAT}"`);
  if (doc.version !== PART_VERSION) fail("version", `${JSON.stringify(doc.version)} is not a version this tessera reads (${PART_VERSION})`);
  if (doc.workUnitVersion !== WORK_UNIT_VERSION) fail("workUnitVersion", `${JSON.stringify(doc.workUnitVersion)} is not the work-unit format of this tessera (${WORK_UNIT_VERSION})`);
  str(doc.tessera, "tessera");
  const shard = obj(doc.shard, "shard");
  const count = nat(shard.count, "shard.count");
  const index = nat(shard.index, "shard.index");
  if (count < 1 || index < 1 || index > count) fail("shard", `${index}/${count} is not a shard i/N with 1 ≤ i ≤ N`);
  const network = obj(doc.network, "network");
  str(network.sha256, "network.sha256");
  const inputs = nat(network.inputs, "network.inputs");
  obj(doc.networkJson, "networkJson");
  str(obj(doc.property, "property").sha256, "property.sha256");
  const problem = parseProblem(doc.problem, file);
  if (problemSha256(problem) !== (doc.property as Json).sha256) fail("problem", "does not hash to property.sha256: the part was altered");
  if (problem.inputSize !== inputs) fail("problem.inputSize", `is ${problem.inputSize}, but the network has ${inputs} inputs`);
  const settings = obj(doc.settings, "settings");
  if (settings.split !== "input" && settings.split !== "relu") fail("settings.split", `${JSON.stringify(settings.split)} is not input or relu`);
  nat(settings.unitsPerShard, "settings.unitsPerShard");
  if (typeof doc.complete !== "boolean") fail("complete", "is not true or false");
  str(doc.status, "status");
  const result = doc.result === "holds" || doc.result === "violated" || doc.result === "unknown" ? doc.result : fail("result", `${JSON.stringify(doc.result)} is not holds, violated or unknown`);
  const reason = doc.reason === undefined ? undefined : str(doc.reason, "reason");
  let counterexample: VerifyShard["counterexample"];
  if (doc.counterexample !== undefined) {
    const cx = obj(doc.counterexample, "counterexample");
    const input = arr(cx.input, "counterexample.input").map((v, i) => (typeof v === "string" ? tryParseRational(v) : undefined) ?? fail(`counterexample.input[${i}]`, "is not a rational string"));
    if (input.length !== inputs) fail("counterexample.input", `has ${input.length} values, the network ${inputs} inputs`);
    counterexample = { box: nat(cx.box, "counterexample.box"), input };
  }
  if (result === "violated" && !counterexample) fail("counterexample", "is missing, yet the part says violated");
  const ref = (v: unknown, where: string): NodeRef => {
    const o = obj(v, where);
    const path = str(o.path, `${where}.path`);
    if (!/^[01]*$/.test(path)) fail(`${where}.path`, "is not a string of 0 and 1");
    return { case: nat(o.case, `${where}.case`), path };
  };
  const rooted = (v: unknown, where: string): RootedTree => {
    const r = ref(v, where);
    return { ...r, tree: treeFromJson(obj(v, where).tree, r.path, file, `${where}.tree`, () => undefined) };
  };
  const verify = obj(doc.verify, "verify");
  let cut: VerifyShard["cut"];
  if (verify.cut !== undefined) {
    const c = obj(verify.cut, "verify.cut");
    const boxCase = (v: unknown, where: string): { box: number; disjunct: number } => {
      const o = obj(v, where);
      const box = nat(o.box, `${where}.box`);
      const disjunct = nat(o.disjunct, `${where}.disjunct`);
      if (box >= problem.boxes.length || disjunct >= problem.disjuncts.length) fail(where, `box ${box}, disjunct ${disjunct} is not a case of the problem`);
      return { box, disjunct };
    };
    const openCases = arr(c.openCases, "verify.cut.openCases").map((v, i) => boxCase(v, `verify.cut.openCases[${i}]`));
    const inCase = (r: NodeRef, where: string): void => void (r.case < openCases.length || fail(`${where}.case`, `${r.case} is not an open case (there are ${openCases.length})`));
    cut = {
      openCases,
      closedCases: arr(c.closedCases, "verify.cut.closedCases").map((v, i) => ({ ...boxCase(v, `verify.cut.closedCases[${i}]`), tree: treeFromJson(obj(v, `verify.cut.closedCases[${i}]`).tree, "", file, `verify.cut.closedCases[${i}].tree`, () => fail(`verify.cut.closedCases[${i}].tree`, "has an open node: a case closed at its root has a closed tree")) })),
      top: arr(c.top, "verify.cut.top").map((v, i) => {
        const t = rooted(v, `verify.cut.top[${i}]`);
        inCase(t, `verify.cut.top[${i}]`);
        return t;
      }),
      units: arr(c.units, "verify.cut.units").map((v, i) => {
        const r = ref(v, `verify.cut.units[${i}]`);
        inCase(r, `verify.cut.units[${i}]`);
        return r;
      }),
    };
  }
  const closed = arr(verify.closed, "verify.closed").map((v, i) => rooted(v, `verify.closed[${i}]`));
  const open = arr(verify.open, "verify.open").map((v, i) => ref(v, `verify.open[${i}]`));
  if (result === "holds" && (!cut || open.length > 0 || !doc.complete)) fail("result", "is holds, but the part has no cut, open units, or says complete: false");
  const s = obj(doc.stats, "stats");
  const stat = (k: string): number => nat(s[k], `stats.${k}`);
  const elapsedMs = typeof s.elapsedMs === "number" && s.elapsedMs >= 0 ? s.elapsedMs : fail("stats.elapsedMs", "is not a number ≥ 0");
  const stats: VerifyShard["stats"] = { nodes: stat("nodes"), topNodes: stat("topNodes"), leaves: stat("leaves"), maxDepth: stat("maxDepth"), searchPoints: stat("searchPoints"), exactChecks: stat("exactChecks"), cases: stat("cases"), elapsedMs, workers: s.workers === undefined ? 1 : stat("workers") };
  if (stats.topNodes > stats.nodes) fail("stats.topNodes", "is more than stats.nodes");
  const checked: unknown = doc;
  return {
    doc: checked as VerifyPartDoc,
    problem,
    shard: {
      result,
      complete: doc.complete as boolean,
      ...(reason !== undefined ? { reason } : {}),
      ...(counterexample ? { counterexample } : {}),
      ...(cut ? { cut } : {}),
      closed,
      open,
      stats,
    },
  };
}
