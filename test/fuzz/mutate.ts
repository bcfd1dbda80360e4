// Test helper of the fuzz suite (test/fuzz/readers.test.ts): structure-aware mutations of valid documents —
// one field of a JSON document replaced by a hostile value, deleted or duplicated; one token of a text file
// replaced, one line dropped or the file cut — and the invariant every run must keep. Not a test file itself.
import fc from "fast-check";
import { expect } from "vitest";
import type { CliRun } from "../cli/run.js";

/** Values a hostile user puts where a field is expected: wrong types, edge numbers, number-policy limits. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, "", "x", "1/0", "NaN", "-Infinity", "1e1001", "1e1000", "1e400", "-1e400", "1e-400", "0", "-0", "1/3", "-7/2",
    0, -1, 1, 2, 1.5, -0.5, 2 ** 53, 2 ** 31, 1e308, -1e-300, [], {}, [[]], [null], ["1"], { a: 1 }, "9".repeat(2001), "0.1", "__proto__",
  ),
  fc.integer({ min: -5, max: 10 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
  fc.array(fc.constantFrom("0", "1", "-1", "1/2"), { maxLength: 4 }),
);

type Json = unknown;
type Path = readonly (string | number)[];

/** Every path in a JSON value (objects' own keys, array indices), the root first. */
function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

export interface JsonMutation {
  readonly pick: number;
  readonly kind: "replace" | "delete" | "duplicate" | "wrap";
  readonly value: unknown;
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom<JsonMutation["kind"]>("replace", "replace", "replace", "delete", "duplicate", "wrap"),
  value: hostileValue,
});

/** A deep copy of `doc` with one field mutated (never the root itself). */
export function mutateJson(doc: Json, m: JsonMutation): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const all = paths(copy).slice(1);
  if (all.length === 0) return m.value;
  const path = all[m.pick % all.length]!;
  const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], copy) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (m.kind === "replace") parent[key] = m.value;
  else if (m.kind === "wrap") parent[key] = [parent[key]];
  else if (Array.isArray(parent)) {
    if (m.kind === "delete") parent.splice(key as number, 1);
    else parent.splice(key as number, 0, JSON.parse(JSON.stringify(parent[key as number] ?? null)));
  } else if (m.kind === "delete") delete parent[key];
  else parent[`${String(key)}2`] = parent[key];
  return copy;
}

export interface TextMutation {
  readonly pick: number;
  readonly kind: "token" | "drop-line" | "duplicate-line" | "cut" | "insert";
  readonly text: string;
}

/** Tokens of the text formats (VNN-LIB, NNET, CSV, flags) that break them in interesting ways. */
const hostileToken = fc.oneof(
  fc.constantFrom("", "(", ")", "((", ",", ";", "x", "X_9", "Y_7", "1e999999", "-1e1001", "1/0", "NaN", "inf", "-0", "0x10", "1e400", "9".repeat(2001), "or", "and", "+", "*", "assert", "declare-const", "\n", "\u0000"),
  fc.integer({ min: -3, max: 1000 }).map(String),
  fc.string({ maxLength: 6 }),
);

export const textMutation: fc.Arbitrary<TextMutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom<TextMutation["kind"]>("token", "token", "token", "drop-line", "duplicate-line", "cut", "insert"),
  text: hostileToken,
});

/** The text with one token replaced, one line dropped or repeated, a token inserted, or the text cut. */
export function mutateText(text: string, m: TextMutation): string {
  if (m.kind === "cut") return text.slice(0, m.pick % (text.length + 1));
  if (m.kind === "drop-line" || m.kind === "duplicate-line") {
    const lines = text.split("\n");
    const i = m.pick % lines.length;
    if (m.kind === "drop-line") lines.splice(i, 1);
    else lines.splice(i, 0, lines[i]!);
    return lines.join("\n");
  }
  const tokens = [...text.matchAll(/[^\s(),;]+/g)];
  if (m.kind === "insert" || tokens.length === 0) {
    const at = m.pick % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  const t = tokens[m.pick % tokens.length]!;
  return text.slice(0, t.index) + m.text + text.slice(t.index! + t[0].length);
}

/**
 * The invariant: a result (exit 0; verify's 10 and 20), or one line `tessera: error: …` / `tessera: check
 * failed: …` with exit 1 — never an internal error, a stack trace or another exit code.
 */
export function expectHandled(run: CliRun, what: string): void {
  const context = `${what}\nexit ${run.code}\nstderr: ${run.stderr.slice(0, 600)}`;
  expect(run.stderr, context).not.toMatch(/unexpected error|internal error|^\s+at /m);
  expect([0, 1, 10, 20], context).toContain(run.code);
  if (run.code === 1) {
    const errors = run.stderr.split("\n").filter((l) => /^tessera: (error|check failed): /.test(l));
    expect(errors, context).toHaveLength(1);
  }
}

/** fast-check parameters: a fixed seed and few runs in `npm test`; `npm run fuzz` sets FUZZ_SECONDS for a random seed and a time budget. */
export function fuzzParameters(runs: number): { seed?: number; numRuns: number; interruptAfterTimeLimit?: number; markInterruptAsFailure?: boolean } {
  const seconds = Number(process.env.FUZZ_SECONDS ?? 0);
  if (seconds > 0) return { numRuns: 1_000_000, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false };
  return { seed: 17, numRuns: runs };
}
