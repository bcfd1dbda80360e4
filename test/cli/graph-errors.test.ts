// Every row of docs/errors.md's "Region graph, Clarke Jacobian and jumps" section, through the CLI: exit code 1,
// nothing on stdout, exactly one line on stderr with the documented message, no stack trace.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const SEED = "fixtures/seed-three-neurons.json";

interface Case {
  /** Arguments; "$dir" is replaced by a fresh temporary folder. */
  readonly args: string[];
  /** The expected stderr line after "tessera: error: "; FILE stands for the -o path. */
  readonly message: string;
}

const cases: Record<string, Case> = {
  "clarke-at-length": { args: ["clarke", SEED, "--at", "1,2,3"], message: "--at: has 3 values, the network takes 2" },
  "clarke-at-syntax": { args: ["clarke", SEED, "--at", "2,x"], message: '--at: value 2: "x" is not a rational number' },
  "clarke-at-empty": { args: ["clarke", SEED, "--at", ""], message: '--at: is empty; give comma-separated rationals such as "3,1/2"' },
  "clarke-at-missing": { args: ["clarke", SEED], message: "required option '--at <point>' not specified (see --help)" },
  "graph-format-unknown": { args: ["graph", SEED, "--format", "svg"], message: '--format: unknown format "svg" (known: json, gexf, graphml, dot)' },
  "graph-json-and-format": { args: ["graph", SEED, "--json", "--format", "gexf"], message: "--json: cannot be combined with --format gexf" },
  "graph-output-unwritable": { args: ["graph", SEED, "-o", "$dir/missing/g.gexf"], message: "FILE: cannot be written (ENOENT: its folder does not exist)" },
  "jumps-box": { args: ["jumps", SEED, "--box=1:0"], message: "--box: interval 1: lo must be below hi (1:0 has no interior)" },
};

function sectionIds(): string[] {
  const doc = readFileSync(projectFile("docs/errors.md"), "utf8");
  const start = doc.indexOf("## Region graph, Clarke Jacobian and jumps");
  expect(start).toBeGreaterThan(0);
  const end = doc.indexOf("\n## ", start + 5);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| ([a-z][a-z0-9-]*) \|/gm)].map((m) => m[1]!).filter((id) => id !== "id");
}

describe("docs/errors.md: graph, clarke, jumps", () => {
  it("every row of the section has a case here, and every case is a row", () => {
    expect(new Set(sectionIds())).toEqual(new Set(Object.keys(cases)));
  });

  it.each(Object.entries(cases))("%s: exit 1 and one line with the documented message", async (_id, c) => {
    const dir = tempFiles({}).dir!;
    const args = c.args.map((a) => a.replace("$dir", dir));
    const output = args[args.indexOf("-o") + 1];
    const run = await cli(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((l) => l !== "");
    expect(lines, run.stderr).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const body = lines[0]!.replace(/^tessera: (error: )?/, "");
    expect(args.includes("-o") ? body.replaceAll(output!, "FILE") : body).toBe(c.message);
  });
});
