// `tessera view` without a browser: the page is one self-contained file (a Content-Security-Policy that lets no
// request out, no external URL), its data holds every region and exactly the edges `tessera graph --json` gives,
// the neuron table's statuses match hand computations, the default --max-regions cuts a large slice short and
// the page says so, and bad input is one line. The browser side is in test/web/view-browser.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";
import { DEFAULT_VIEW_MAX_REGIONS } from "../../src/cli/view.js";

const SEED = projectFile("fixtures/seed-three-neurons.json");

beforeAll(() => {
  execFileSync(process.execPath, [projectFile("scripts/build-pages.mjs")]);
});

function pageData(html: string): { regions: { id: number; pattern: string; map: string; witness: string[] }[]; edges: unknown[]; neurons: { layer: number; neuron: number; status: string; segments: number }[]; complete: boolean; maxRegions: number } {
  const m = /<script type="application\/json" id="tessera-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!);
}

describe("tessera view", () => {
  it("the seed net on [-3,3]²: a self-contained page with 7 regions and exactly the edges of tessera graph", async () => {
    const { dir } = tempFiles({});
    const run = await cli("view", SEED, "--box=-3:3", "-o", `${dir}/seed.html`, "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ regions: 7, edges: 9, complete: true });
    const html = readFileSync(`${dir}/seed.html`, "utf8");
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none';`);
    // Nothing to fetch: no src= or href= attribute anywhere (the scripts and the picture are inline).
    expect(html).not.toMatch(/\s(src|href)=/);
    const data = pageData(html);
    expect(data.regions.map((r) => r.pattern).sort()).toEqual(["001", "010", "011", "100", "101", "110", "111"]);
    const graph = JSON.parse((await cli("graph", SEED, "--box=-3:3", "--json")).stdout);
    expect(data.edges).toEqual(graph.edges);
    // All three lines cross the box: every neuron is unstable, and each is cut into 3 pieces by the other two.
    expect(data.neurons).toEqual([0, 1, 2].map((k) => ({ layer: 0, neuron: k, status: "unstable", segments: 3 })));
    expect((html.match(/<polygon /g) ?? []).length).toBe(7);
  });

  it("neuron statuses: on [1,3]×[-3,-1] neuron 0 is always active, neuron 1 dead, neuron 2 unstable (by hand)", async () => {
    // n0 = x1 − 2x2 ≥ 1 + 2 > 0; n1 = −x1 + x2 + 1 ≤ −1 − 1 + 1 < 0; n2 = 2x1 + x2 − 2 ranges over [−3, 3].
    const { dir } = tempFiles({});
    await cli("view", SEED, "--box", "1:3,-3:-1", "-o", `${dir}/s.html`);
    const data = pageData(readFileSync(`${dir}/s.html`, "utf8"));
    expect(data.neurons.map((n) => n.status)).toEqual(["always-active", "dead", "unstable"]);
  });

  it(`--max-regions defaults to ${DEFAULT_VIEW_MAX_REGIONS}; a page cut short says so at the top and in its data`, async () => {
    expect(DEFAULT_VIEW_MAX_REGIONS).toBe(5000);
    expect(readFileSync(projectFile("docs/cli.md"), "utf8")).toContain(`at most ${DEFAULT_VIEW_MAX_REGIONS} regions`);
    const { dir } = tempFiles({});
    const full = await cli("view", SEED, "--box=-3:3", "-o", `${dir}/a.html`, "--json");
    expect(JSON.parse(full.stdout).maxRegions).toBe(5000);
    const cut = await cli("view", projectFile("fixtures/bench/mlp-2-16-16-2.json"), "--box=-1:1", "--max-regions", "10", "-o", `${dir}/b.html`, "--json");
    expect(JSON.parse(cut.stdout)).toMatchObject({ regions: 10, complete: false, status: "max-regions" });
    const html = readFileSync(`${dir}/b.html`, "utf8");
    expect(html).toContain(`<p id="status" class="warning">Incomplete: the page shows the first 10 regions only (stopped: --max-regions 10; raise it to draw more).</p>`);
    expect(pageData(html).complete).toBe(false);
    expect(pageData(html).neurons.some((n) => n.status === "undecided")).toBe(true);
  });

  it("1-D: the sawtooth's page has one band per region, its breakpoints, and a path graph (31 edges for 32 regions)", async () => {
    const { dir } = tempFiles({});
    const run = await cli("view", projectFile("fixtures/gallery/sawtooth-L5.json"), "--box=0:1", "-o", `${dir}/saw.html`, "--json");
    expect(JSON.parse(run.stdout)).toMatchObject({ regions: 32, edges: 31, complete: true });
    const html = readFileSync(`${dir}/saw.html`, "utf8");
    expect((html.match(/<rect data-region=/g) ?? []).length).toBe(32);
    expect((html.match(/<circle data-t=/g) ?? []).length).toBe(31);
    const data = pageData(html);
    expect(data.regions).toHaveLength(32);
    // A path: two regions with one neighbour (the ends of [0, 1]), every other with two.
    const degree = new Map<number, number>();
    for (const e of data.edges as { source: number; target: number }[]) for (const v of [e.source, e.target]) degree.set(v, (degree.get(v) ?? 0) + 1);
    expect([...degree.values()].sort((a, b) => a - b)).toEqual([1, 1, ...Array<number>(30).fill(2)]);
  });

  it("--live writes a page with the worker and, when given, the network's bytes", async () => {
    const { dir } = tempFiles({});
    expect((await cli("view", "--live", "-o", `${dir}/l.html`)).code).toBe(0);
    const empty = readFileSync(`${dir}/l.html`, "utf8");
    expect(empty).toContain(`id="worker-src"`);
    expect(empty).not.toContain(`id="preload"`);
    await cli("view", "--live", SEED, "-o", `${dir}/m.html`);
    const m = /<script type="application\/json" id="preload">(.*?)<\/script>/s.exec(readFileSync(`${dir}/m.html`, "utf8"));
    const preload = JSON.parse(m![1]!);
    expect(preload.name).toBe("seed-three-neurons.json");
    expect(Buffer.from(preload.base64, "base64").toString("utf8")).toBe(readFileSync(SEED, "utf8"));
  });

  const bad: [string, string[], RegExp][] = [
    ["view-extension", [SEED, "--box=-1:1", "-o", "x.svg"], /^tessera: error: -o: ".*x\.svg" has the unknown extension "\.svg" \(give \.html\)$/],
    ["view-no-network", ["-o", "x.html"], /^tessera: error: view: give a network file \(or --live for a page that reads one\)$/],
    ["view-dimension", [projectFile("fixtures/bench/mlp-3-32-32-32-2.json"), "--box=-1:1", "-o", "x.html"], /^tessera: error: view: the domain is 3-dimensional; /],
    ["view-unbounded", [SEED, "-o", "x.html"], /^tessera: error: view: the domain \(all of R\^2\) is unbounded; bound it with --box$/],
    ["view-unwritable", [SEED, "--box=-1:1", "-o", "no-such-dir/x.html"], /^tessera: error: .*no-such-dir\/x\.html: cannot be written \(ENOENT: its folder does not exist\)$/],
    ["view-live-not-a-network", ["--live", "notes.txt", "-o", "x.html"], /^tessera: error: .*notes\.txt: unknown network format "\.txt" \(known: \.json, \.onnx, \.nnet\)$/],
  ];
  it.each(bad)("%s: exit 1 with one line", async (_id, args, message) => {
    const { dir } = tempFiles({ "notes.txt": "not a network\n" });
    const run = await cli("view", ...args.map((a) => (/^(x\.|no-such|notes)/.test(a) ? `${dir}/${a}` : a)));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
