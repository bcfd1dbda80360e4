// No import circle in src/, and imports point down the layers of docs/architecture.md: every module can be
// read (and tested) after the modules it imports. The imports
// are read from the source text with TypeScript's own pre-processor, so `import type`, `export … from` and
// `import("…")` types count too. A circle is reported as the list of files around it.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");

/**
 * Import edges that close a known circle, to be removed by the work that owns them ("from -> to", paths
 * relative to src/). Each entry must still exist: a stale entry fails the test, so the list only shrinks.
 */
const KNOWN_CIRCLE_EDGES: readonly string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** The src/ files a module imports (relative specifiers only; "./x.js" is the source file "./x.ts"). */
export function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const base = resolve(dirname(file), fileName);
    const candidates = [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")];
    const target = candidates.find((c) => known.has(c));
    if (target === undefined) throw new Error(`${relative(root, file)}: cannot resolve the import ${JSON.stringify(fileName)}`);
    out.push(target);
  }
  return out;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

describe("the import graph of src/", () => {
  const files = sourceFiles(src);
  const known = new Set(files);
  const name = (f: string): string => relative(src, f);
  const edges = new Map(files.map((f) => [f, importsOf(f, known)] as const));

  it("finds circles (the detector on hand-made graphs)", () => {
    expect(circles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["a", "b", "c"]]);
    expect(circles(new Map([["a", ["a"]], ["b", []]]))).toEqual([["a"]]);
    expect(circles(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]]))).toEqual([]);
  });

  it("reads type-only imports and re-exports as imports", () => {
    const text = 'import type { A } from "./a.js";\nexport { b } from "./b.js";\ntype C = import("./c.js").C;\n';
    const names = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    expect(names).toEqual(["./a.js", "./b.js", "./c.js"]);
  });

  it("has no circle, type-only imports included", () => {
    const allowed = new Set(KNOWN_CIRCLE_EDGES);
    for (const edge of allowed) {
      const [from, to] = edge.split(" -> ");
      expect(edges.get(join(src, from!))?.includes(join(src, to!)), `stale allow-list entry ${edge}`).toBe(true);
    }
    const graph = new Map([...edges].map(([f, targets]) => [f, targets.filter((t) => !allowed.has(`${name(f)} -> ${name(t)}`))] as const));
    expect(circles(graph).map((c) => c.map(name).join(" ↔ "))).toEqual([]);
  });
});

/**
 * The folders of src/ from the bottom up (docs/architecture.md, "Layout"): a file imports only from its own
 * folder and the folders before it. src/errors.ts is importable from everywhere; src/index.ts imports anything.
 */
const LAYERS = ["errors.ts", "exact", "network", "geometry", "formats", "regions", "check", "graph", "analysis", "queue", "web", "cli", "index.ts"];

describe("the layers of src/", () => {
  const files = sourceFiles(src);
  const known = new Set(files);
  const layer = (f: string): number => LAYERS.indexOf(relative(src, f).split(sep)[0]!);

  it("every file is in a known layer", () => {
    expect(files.filter((f) => layer(f) < 0).map((f) => relative(src, f))).toEqual([]);
  });

  it("imports point down only", () => {
    const upward = files.flatMap((f) => importsOf(f, known).filter((t) => layer(t) > layer(f)).map((t) => `${relative(src, f)} -> ${relative(src, t)}`));
    expect(upward).toEqual([]);
  });
});
