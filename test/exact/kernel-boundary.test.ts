// The number kernel is the only code that asks which number type it holds: outside src/exact/, no
// `instanceof Dyadic` and no `as unknown as` cast (generic code calls the Field's operations instead).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function offenders(pattern: RegExp): string[] {
  return sourceFiles(SRC)
    .filter((file) => !relative(SRC, file).startsWith("exact/"))
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (pattern.test(line) ? [`${relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
}

describe("the number kernel owns the number types", () => {
  it("the scan sees the files it must see (it can fail)", () => {
    const files = sourceFiles(SRC).map((f) => relative(SRC, f));
    expect(files).toContain("exact/field.ts");
    expect(files).toContain("regions/enumerate.ts");
    expect(offenders(/Field<T>/).length).toBeGreaterThan(0);
  });
  it("no `instanceof Dyadic` outside src/exact/", () => {
    expect(offenders(/instanceof\s+Dyadic\b/)).toEqual([]);
  });
  it("no `as unknown as` outside src/exact/", () => {
    expect(offenders(/as\s+unknown\s+as\b/)).toEqual([]);
  });
});
