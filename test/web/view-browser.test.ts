// `tessera view` pages driven in headless Chromium (Debian's chromium through playwright-core), opened from disk
// (file://) as a user would: hover a region and read the panel (against `tessera regions --json`), click it and
// compare the highlighted neighbours with `tessera graph --json`, highlight a neuron's hyperplane, zoom, take a
// screenshot; in --live mode drop a network file and compare the region count with `tessera count` on the same
// plane and box (the seed net, and the ACAS Xu 1_1 slice of the acceptance line), drop a file that is not a
// network and read the CLI's one-line error in the page, and stop a large slice while the page stays responsive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { PNG } from "pngjs";
import { cli, tempFiles } from "../cli/run.js";
import { projectFile } from "../project.js";
import { launchChromium, openFile } from "./browser.js";

const SEED = projectFile("fixtures/seed-three-neurons.json");
const ACAS = projectFile("fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx");
const PROP1_BOX = "0.6:0.679857769,-0.5:0.5,-0.5:0.5,0.45:0.5,-0.5:-0.45";

let browser: BrowserContext;
let dir: string;

beforeAll(async () => {
  execFileSync(process.execPath, [projectFile("scripts/build-pages.mjs")]);
  dir = tempFiles({}).dir!;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Drop a file on the live page's drop zone, as a drag from the desktop would (a real DataTransfer). */
async function dropFile(page: Page, file: string): Promise<void> {
  const bytes = [...readFileSync(file)];
  const transfer = await page.evaluateHandle(({ name, bytes }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name));
    return dt;
  }, { name: basename(file), bytes });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
}

/** The screen point of a region polygon's vertex centroid (inside it: regions are convex). */
async function centreOf(page: Page, id: number): Promise<{ x: number; y: number }> {
  return page.$eval(`#regions [data-region="${id}"]`, (el) => {
    const poly = el as SVGPolygonElement;
    const pts = Array.from(poly.points);
    const p = (poly.ownerSVGElement as SVGSVGElement).createSVGPoint();
    p.x = pts.reduce((s, q) => s + q.x, 0) / pts.length;
    p.y = pts.reduce((s, q) => s + q.y, 0) / pts.length;
    const q = p.matrixTransform(poly.getScreenCTM()!);
    return { x: q.x, y: q.y };
  });
}

async function computeSlice(page: Page, axes: [number, number], box: string, timeout: number): Promise<{ count: number; status: string; cli: string }> {
  await page.selectOption("#axis-s", String(axes[0]));
  await page.selectOption("#axis-t", String(axes[1]));
  await page.fill("#box", box);
  await page.click("#compute");
  await page.waitForSelector("body[data-done]", { timeout });
  return { count: Number(await page.textContent("#count")), status: (await page.textContent("#status"))!, cli: (await page.textContent("#cli"))! };
}

describe("view page in Chromium", () => {
  it("hover shows the exact map and witness; click highlights exactly the graph's neighbours with their jumps; a row highlights a hyperplane", async () => {
    const file = `${dir}/seed.html`;
    expect((await cli("view", SEED, "--box=-3:3", "-o", file)).code).toBe(0);
    const { page, requests, errors } = await openFile(browser, file);
    const regions: { id: number; pattern: string; map: { A: string[][]; c: string[] }; witness: string[] }[] = JSON.parse((await cli("regions", SEED, "--box=-3:3", "--json")).stdout).regions;
    const graph: { edges: { source: number; target: number; jump: string[][] }[] } = JSON.parse((await cli("graph", SEED, "--box=-3:3", "--json")).stdout);
    for (const r of regions) {
      const at = await centreOf(page, r.id);
      await page.mouse.move(at.x, at.y);
      expect(await page.textContent("#hover .pattern")).toBe(r.pattern);
      expect(await page.textContent("#hover .map")).toBe(`y0 = ${r.map.A[0]![0]}·x1 + ${r.map.A[0]![1]}·x2 + ${r.map.c[0]}`);
      expect(await page.textContent("#hover .witness")).toBe(`(${r.witness.join(", ")})`);
    }
    for (const r of regions) {
      const at = await centreOf(page, r.id);
      await page.mouse.click(at.x, at.y);
      const lit = await page.$$eval("#regions .neighbour", (els) => els.map((e) => Number(e.getAttribute("data-region"))).sort((a, b) => a - b));
      const expected = graph.edges.filter((e) => e.source === r.id || e.target === r.id).map((e) => (e.source === r.id ? e.target : e.source));
      expect(lit).toEqual(expected.sort((a, b) => a - b));
      // Each row's jump is J(neighbour) − J(region): the graph's jump, negated when the region is the edge's target.
      for (const e of graph.edges.filter((e) => e.source === r.id || e.target === r.id)) {
        const other = e.source === r.id ? e.target : e.source;
        const text = e.jump.map((row) => `[${row.join(", ")}]`).join(" ");
        expect(await page.textContent(`#neighbours tr[data-neighbour="${other}"] .jump`)).toBe(e.source === r.id ? text : `−(${text})`);
      }
      expect(await page.$$eval("#regions .selected", (els) => els.map((e) => Number(e.getAttribute("data-region"))))).toEqual([r.id]);
    }
    await page.hover('#neurons tr[data-layer="0"][data-neuron="1"]');
    expect(await page.$$eval("#hyperplanes line.hl", (els) => els.map((e) => e.getAttribute("data-neuron")))).toEqual(["1", "1", "1"]);
    // Zoom: the wheel shrinks the viewBox; reset restores it.
    const before = await page.getAttribute("#picture svg", "viewBox");
    await page.hover("#picture svg");
    await page.mouse.wheel(0, -200);
    await page.waitForFunction((vb) => document.querySelector("#picture svg")!.getAttribute("viewBox") !== vb, before);
    const [, , w] = (await page.getAttribute("#picture svg", "viewBox"))!.split(" ").map(Number);
    expect(w).toBeLessThan(Number(before!.split(" ")[2]));
    await page.click("#reset");
    expect(await page.getAttribute("#picture svg", "viewBox")).toBe(before);
    const shot = PNG.sync.read(await page.screenshot());
    expect([shot.width, shot.height]).toEqual([1400, 1000]);
    const colors = new Set<number>();
    for (let i = 0; i < shot.data.length; i += 4) colors.add(shot.data.readUInt32BE(i));
    expect(colors.size).toBeGreaterThan(7);
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("--live: a dropped network gives the same region count as tessera count on the printed plane and box", async () => {
    const file = `${dir}/live.html`;
    await cli("view", "--live", "-o", file);
    const { page, requests, errors } = await openFile(browser, file);
    await dropFile(page, SEED);
    await page.waitForSelector("body[data-loaded]");
    const got = await computeSlice(page, [0, 1], "-3:3", 30_000);
    expect(got.cli).toBe('tessera count NET --plane "0,0;1,0;0,1" --box "-3:3,-3:3"');
    const count = JSON.parse((await cli("count", SEED, "--plane", "0,0;1,0;0,1", "--box", "-3:3,-3:3", "--json")).stdout);
    expect(got.count).toBe(count.regions);
    expect(got.status).toBe("7 regions, complete.");
    expect(await page.$$eval("#regions polygon", (els) => els.length)).toBe(7);
    const at = await centreOf(page, 0);
    await page.mouse.move(at.x, at.y);
    expect(await page.textContent("#hover .pattern")).toMatch(/^[01]{3}$/);
    expect(requests.every((u) => u.startsWith("file://") || u.startsWith("blob:"))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("--live: a dropped file that is not a network shows the CLI's one-line error in the page", async () => {
    const files = tempFiles({ "notes.txt": "hello\n", "broken.json": '{"format": "tessera-network", "version": 1, "inputs": 2, "layers": [{"type": "dense"}]}' });
    const { page, errors } = await openFile(browser, `${dir}/live.html`);
    for (const name of ["notes.txt", "broken.json"]) {
      await dropFile(page, files[name]!);
      await page.waitForSelector("#error:not([hidden])");
      const shown = await page.textContent("#error");
      const run = await cli("info", files[name]!);
      expect(run.code).toBe(1);
      expect(shown).toBe(run.stderr.trim().replace(`${files.dir}/`, ""));
      expect(shown).toMatch(/^tessera: error: /);
      await page.evaluate(() => {
        document.getElementById("error")!.hidden = true;
      });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("--live: a slice with very many regions keeps the page responsive, stops on request and says how many it drew", async () => {
    const file = `${dir}/big.html`;
    await cli("view", "--live", projectFile("fixtures/bench/mlp-5-50-50-50-5.json"), "-o", file);
    const { page, errors } = await openFile(browser, file);
    await page.goto(`file://${file}?draw=40`);
    await page.waitForSelector("body[data-loaded]");
    await page.fill("#box", "-100:100");
    await page.click("#compute");
    // The main thread answers while the worker computes, and the count keeps growing.
    await page.waitForFunction(() => Number(document.getElementById("count")!.textContent) > 60, undefined, { timeout: 60_000 });
    const first = Number(await page.textContent("#count"));
    await page.waitForFunction((n) => Number(document.getElementById("count")!.textContent) > n, first, { timeout: 60_000 });
    await page.click("#stop");
    await page.waitForSelector("body[data-done]");
    expect(await page.getAttribute("body", "data-done")).toBe("interrupted");
    const count = Number(await page.textContent("#count"));
    expect(await page.textContent("#status")).toBe(`${count} regions, incomplete (interrupted): the count is a lower bound; drew 40 of ${count} regions (at most 40 are drawn).`);
    expect(await page.$$eval("#regions polygon", (els) => els.length)).toBe(40);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("--live acceptance: ACAS Xu 1_1, plane through the centre of prop 1's box along inputs 1 and 2, same count as tessera count", async () => {
    const file = `${dir}/acas.html`;
    await cli("view", "--live", "-o", file);
    const { page, errors } = await openFile(browser, file);
    await dropFile(page, ACAS);
    await page.waitForSelector("body[data-loaded]", { timeout: 60_000 });
    const browserRun = computeSlice(page, [0, 1], PROP1_BOX, 600_000);
    // The CLI on the same plane (c; c+e1; c+e2 with c the box's centre) and box, at the same time.
    const c = ["1279857769/2000000000", "0", "0", "19/40", "-19/40"];
    const plane = [c, c.map((v, k) => (k === 0 ? "3279857769/2000000000" : v)), c.map((v, k) => (k === 1 ? "1" : v))].map((p) => p.join(",")).join(";");
    const count = await cli("count", ACAS, "--plane", plane, "--box", PROP1_BOX, "--json");
    const got = await browserRun;
    expect(got.cli).toBe(`tessera count NET --plane "${plane}" --box "3/5:679857769/1000000000,-1/2:1/2,-1/2:1/2,9/20:1/2,-1/2:-9/20"`);
    expect(JSON.parse(count.stdout)).toMatchObject({ complete: true });
    expect(got.count).toBe(JSON.parse(count.stdout).regions);
    expect(got.status).toBe(`${got.count} regions, complete.`);
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});
