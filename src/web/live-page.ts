// The script of a `tessera view --live` page (bundled at build time; runs offline from disk): the user drops an
// ONNX/NNET/tessera JSON network (or picks one), chooses two input axes and a box, and the page's Web Worker
// (the library's browser build, live-worker.ts) computes the exact regions of the plane through the box's
// centre along those axes. Regions are drawn as they arrive, at most DRAW_LIMIT polygons (the count goes on),
// with progress and a stop button; errors show the CLI's one-line message.
import { panZoom, type PanZoom } from "./pan-zoom.js";
import type { LiveRegion, LiveReply, LiveRequest } from "./live-protocol.js";

/** Polygons drawn at most (20,000, or ?draw=N in the page's URL); past this the page counts regions without drawing them, and says so. */
const DRAW_LIMIT = Number(new URLSearchParams(location.search).get("draw")) || 20000;
const SVG_NS = "http://www.w3.org/2000/svg";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const workerSource = $("worker-src").textContent!;
const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
const send = (request: LiveRequest, transfer: Transferable[] = []): void => worker.postMessage(request, transfer);

const regions = new Map<number, LiveRegion>();
let pending: LiveRegion[] = [];
let drawn = 0;
let group: SVGGElement | undefined;
let zoom: PanZoom | undefined;
let inputs = 0;
let frame = 0;

function setError(message: string): void {
  $("error").textContent = message;
  $("error").hidden = message === "";
}

function loadBytes(name: string, bytes: Uint8Array): void {
  setError("");
  $("net-info").textContent = `reading ${name} …`;
  $("controls").hidden = true;
  send({ kind: "load", name, bytes }, [bytes.buffer]);
}

async function loadFile(file: File): Promise<void> {
  loadBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}

function fillAxes(n: number): void {
  for (const [id, pick] of [["axis-s", 0], ["axis-t", 1]] as const) {
    const select = $<HTMLSelectElement>(id);
    select.innerHTML = Array.from({ length: n }, (_, k) => `<option value="${k}">input ${k + 1}</option>`).join("");
    select.value = String(Math.min(pick, n - 1));
  }
}

/** A new empty picture of the window [slo, shi] × [tlo, thi] (t upwards). */
function newPicture(window: readonly [readonly [number, number], readonly [number, number]]): void {
  const [[slo, shi], [tlo, thi]] = window;
  const holder = $("picture");
  holder.innerHTML = "";
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `${slo} ${-thi} ${shi - slo} ${thi - tlo}`);
  svg.setAttribute("width", "640");
  svg.setAttribute("height", String(Math.round((640 * (thi - tlo)) / (shi - slo))));
  svg.setAttribute("preserveAspectRatio", "none");
  group = document.createElementNS(SVG_NS, "g");
  group.id = "regions";
  group.setAttribute("transform", "scale(1,-1)");
  svg.appendChild(group);
  holder.appendChild(svg);
  zoom = panZoom(svg);
  svg.addEventListener("mouseover", (ev) => {
    const id = (ev.target as Element).getAttribute("data-region");
    const r = id === null ? undefined : regions.get(Number(id));
    if (r) $("hover").innerHTML = `<h3>region ${r.id}</h3><dl><dt>pattern</dt><dd class="pattern">${r.pattern}</dd><dt>map</dt><dd class="map">${r.map}</dd><dt>witness</dt><dd class="witness">(${r.witness.join(", ")})</dd></dl>`;
  });
}

function hue(id: number): string {
  return `hsl(${((id * 137.508) % 360).toFixed(1)},62%,${id % 2 === 0 ? 68 : 58}%)`;
}

/** Draw the regions that arrived since the last frame (the page stays responsive however many come). */
function drawPending(): void {
  frame = 0;
  if (!group) return;
  const batch = pending;
  pending = [];
  const fragment = document.createDocumentFragment();
  for (const r of batch) {
    const polygon = document.createElementNS(SVG_NS, "polygon");
    polygon.setAttribute("points", r.vertices.map(([x, y]) => `${x},${y}`).join(" "));
    polygon.setAttribute("fill", hue(r.id));
    polygon.setAttribute("data-region", String(r.id));
    polygon.setAttribute("vector-effect", "non-scaling-stroke");
    fragment.appendChild(polygon);
  }
  group.appendChild(fragment);
  drawn += batch.length;
  $("drawn").textContent = String(drawn);
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(drawPending);
}

function running(on: boolean): void {
  $<HTMLButtonElement>("compute").disabled = on;
  $<HTMLButtonElement>("stop").disabled = !on;
}

worker.onmessage = (event: MessageEvent<LiveReply>): void => {
  const reply = event.data;
  switch (reply.kind) {
    case "loaded":
      inputs = reply.inputs;
      $("net-info").textContent = `${reply.name}: ${reply.inputs} inputs, ${reply.outputs} outputs, ${reply.neurons} neurons`;
      fillAxes(reply.inputs);
      $<HTMLInputElement>("box").value = reply.box ?? "-1:1";
      $("controls").hidden = inputs < 2;
      if (inputs < 2) setError("tessera: error: the live page slices networks with at least 2 inputs");
      document.body.dataset.loaded = reply.name;
      break;
    case "regions":
      for (const r of reply.regions) {
        regions.set(r.id, r);
        if (drawn + pending.length < DRAW_LIMIT) pending.push(r);
      }
      schedule();
      break;
    case "progress":
      $("progress").textContent = `regions ${reply.regions} · ${(reply.elapsedMs / 1000).toFixed(1)} s · depth ${reply.depth}/${reply.neurons}`;
      $("count").textContent = String(reply.regions);
      break;
    case "done": {
      drawPending();
      running(false);
      $("count").textContent = String(reply.regions);
      $("progress").textContent = `${(reply.elapsedMs / 1000).toFixed(1)} s`;
      const cut = reply.complete ? "complete" : `incomplete (${reply.status}): the count is a lower bound`;
      const shown = drawn < reply.regions ? `; drew ${drawn} of ${reply.regions} regions (at most ${DRAW_LIMIT} are drawn)` : "";
      $("status").textContent = `${reply.regions} regions, ${cut}${shown}.`;
      $("status").className = reply.complete && !shown ? "" : "warning";
      $("cli").textContent = `tessera count NET --plane "${reply.plane}" --box "${reply.box}"`;
      document.body.dataset.done = reply.complete ? "complete" : reply.status;
      break;
    }
    case "error":
      running(false);
      setError(reply.message);
      $("net-info").textContent = "";
      document.body.dataset.error = "true";
      break;
  }
};

$("compute").addEventListener("click", () => {
  setError("");
  regions.clear();
  pending = [];
  drawn = 0;
  delete document.body.dataset.done;
  const axes: [number, number] = [Number($<HTMLSelectElement>("axis-s").value), Number($<HTMLSelectElement>("axis-t").value)];
  const box = $<HTMLInputElement>("box").value;
  // The window: the box's intervals on the two axes, centred (the worker checks the box itself).
  const parts = box.split(",");
  const interval = (k: number): [number, number] => {
    const [lo, hi] = (parts.length === 1 ? parts[0]! : parts[k] ?? "0:1").split(":").map(fraction);
    return [(lo! - hi!) / 2, (hi! - lo!) / 2];
  };
  newPicture([interval(axes[0]), interval(axes[1])]);
  $("status").textContent = "computing …";
  $("status").className = "";
  running(true);
  send({ kind: "slice", axes, box, maxRegions: Number($<HTMLInputElement>("max-regions").value) || Infinity, drawLimit: DRAW_LIMIT });
});
$("stop").addEventListener("click", () => send({ kind: "stop" }));
$("reset").addEventListener("click", () => zoom?.reset());

/** A number from rational text ("1/3", "0.5", "-2e-1"), for pixels only. */
function fraction(text: string): number {
  const [p, q] = text.split("/");
  return Number(p) / (q === undefined ? 1 : Number(q));
}

const drop = $("drop");
drop.addEventListener("dragover", (ev) => {
  ev.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (ev) => {
  ev.preventDefault();
  drop.classList.remove("over");
  const file = ev.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
$<HTMLInputElement>("file").addEventListener("change", (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file);
});

const preload = document.getElementById("preload");
if (preload?.textContent) {
  const { name, base64 } = JSON.parse(preload.textContent) as { name: string; base64: string };
  loadBytes(name, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}
running(false);
document.body.dataset.ready = "true";
