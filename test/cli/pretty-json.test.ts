// printJson writes `--json` answers in pieces (writePrettyJson): the text must be exactly JSON.stringify(value,
// null, 2), which is the reference here, for any JSON value and for the values JSON.stringify treats specially
// (undefined and functions dropped from objects and written as null in arrays, toJSON, boxed primitives).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { writePrettyJson } from "../../src/cli/context.js";

function pieces(value: unknown): string[] {
  const out: string[] = [];
  writePrettyJson(value, (text) => out.push(text));
  return out;
}

describe("writePrettyJson", () => {
  it("fast-check: the pieces joined are JSON.stringify(value, null, 2)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(pieces(value).join("")).toBe(JSON.stringify(value, null, 2));
      }),
    );
  });

  it("fast-check: undefined, functions, toJSON and -0 as JSON.stringify treats them", () => {
    const special = fc.oneof(fc.constant(undefined), fc.constant(() => 1), fc.constant(-0), fc.constant(NaN), fc.constant(new Number(3)), fc.constant({ toJSON: (k: string) => `key ${k}` }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 1 }), special, fc.array(tie("node")), fc.dictionary(fc.string(), tie("node"))),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(pieces(v).join("")).toBe(JSON.stringify(v, null, 2) ?? "undefined");
      }),
    );
  });

  it("a large answer comes in pieces of about 64 KB, never as one string", () => {
    const value = { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, text: "x".repeat(20) })) };
    const out = pieces(value);
    expect(out.join("")).toBe(JSON.stringify(value, null, 2));
    expect(out.length).toBeGreaterThan(10);
    expect(Math.max(...out.map((p) => p.length))).toBeLessThan(70_000);
  });
});
