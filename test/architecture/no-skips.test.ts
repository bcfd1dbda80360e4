// A test that does not run is a test that does not exist: no test file skips, narrows (`.only`) or defers
// (`.todo`) a test, conditionally or not. A test that needs something that may be missing installs or
// generates it, or fails with a message that says what to do. (.ci/run also fails when the report counts a
// skipped, pending or todo test.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const self = fileURLToPath(import.meta.url);

/** `it.skip(`, `describe.only(`, `test.todo(`, `it.skipIf(`, `it.runIf(`, `ctx.skip(`, `it.fails(`. */
const NOT_RUN = /\b(?:it|test|describe|bench|suite|ctx|context)\s*\.\s*(?:skip|only|todo|skipIf|runIf|fails)\b/g;

export function notRun(text: string): string[] {
  return [...text.matchAll(NOT_RUN)].map((m) => m[0].replace(/\s/g, ""));
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return /\.(ts|mjs|js)$/.test(e.name) ? [path] : [];
  });
}

describe("every test runs", () => {
  it("the detector sees skip, only, todo and conditional runs", () => {
    expect(notRun("it.skip('a', f); describe.only('b', g); it.todo('c'); it.skipIf(x)('d', h); ctx.skip(); test . runIf(y)")).toEqual([
      "it.skip", "describe.only", "it.todo", "it.skipIf", "ctx.skip", "test.runIf",
    ]);
    expect(notRun("it('skips nothing', () => skipWhitespace()); const only = 1; it.each(rows)('x', f)")).toEqual([]);
  });

  it("no test file skips, narrows or defers a test", () => {
    const files = testFiles(join(root, "test")).filter((f) => f !== self);
    const hits = files.flatMap((f) => notRun(readFileSync(f, "utf8")).map((what) => `${relative(root, f)}: ${what}`));
    expect(hits).toEqual([]);
  });
});
