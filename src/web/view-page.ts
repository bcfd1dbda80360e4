// The script of a `tessera view` page (bundled into the page at build time; it runs in the browser, offline):
// hovering a region shows its pattern, exact map and witness; clicking it highlights its neighbours in the
// region graph and lists the exact gradient jump across each shared facet; the wheel zooms and dragging pans
// the picture; hovering a row of the neuron table highlights that neuron's bent hyperplane.
import { panZoom } from "./pan-zoom.js";
import type { ViewData, ViewRegion } from "./view-data.js";

const data = JSON.parse(document.getElementById("tessera-data")!.textContent!) as ViewData;
const svg = document.querySelector<SVGSVGElement>("#picture svg")!;
const panel = document.getElementById("panel")!;
const regionById = new Map<number, ViewRegion>(data.regions.map((r) => [r.id, r]));
const shapes = new Map<number, SVGElement>();
svg.querySelectorAll<SVGElement>("#regions [data-region]").forEach((el) => {
  shapes.set(Number(el.dataset.region), el);
  el.querySelector("title")?.remove(); // the panel replaces the tooltip
});

const escapeHtml = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
const point = (p: readonly string[]): string => `(${p.join(", ")})`;

function describe(r: ViewRegion): string {
  return (
    `<h3>region ${r.id}</h3><dl>` +
    `<dt>pattern</dt><dd class="pattern">${escapeHtml(r.pattern)}</dd>` +
    `<dt>map</dt><dd class="map">${escapeHtml(r.map)}</dd>` +
    `<dt>witness</dt><dd class="witness">${escapeHtml(point(r.witness))}</dd>` +
    (data.axisNames[0] === "s" || data.axisNames[0] === "t" ? `<dt>input</dt><dd class="input">${escapeHtml(point(r.input))}</dd>` : "") +
    `</dl>`
  );
}

let selected: number | undefined;
const hoverBox = document.getElementById("hover")!;

function show(id: number | undefined): void {
  const r = id === undefined ? undefined : regionById.get(id);
  hoverBox.innerHTML = r ? describe(r) : "<p>Hover over a region.</p>";
}

function select(id: number | undefined): void {
  svg.querySelectorAll(".selected, .neighbour").forEach((el) => el.classList.remove("selected", "neighbour"));
  selected = id;
  const box = document.getElementById("selection")!;
  if (id === undefined) {
    box.innerHTML = "<p>Click a region to see its neighbours and the gradient jumps across its facets.</p>";
    return;
  }
  shapes.get(id)?.classList.add("selected");
  const rows: string[] = [];
  for (const e of data.edges) {
    if (e.source !== id && e.target !== id) continue;
    const other = e.source === id ? e.target : e.source;
    shapes.get(other)?.classList.add("neighbour");
    // The jump is J_target − J_source; seen from the selected region it is J_other − J_selected.
    const sign = e.source === id ? "" : "−";
    const neurons = e.neurons.map((n) => `L${n.layer}N${n.neuron}:${n.from}>${n.to}`).join(" ");
    const jump = e.jump.map((row) => `[${row.join(", ")}]`).join(" ");
    rows.push(`<tr data-neighbour="${other}"><td>${other}</td><td>${escapeHtml(neurons)}</td><td class="jump">${sign}${sign ? "(" : ""}${escapeHtml(jump)}${sign ? ")" : ""}</td></tr>`);
  }
  box.innerHTML =
    describe(regionById.get(id)!) +
    `<p>${rows.length} neighbour${rows.length === 1 ? "" : "s"}; jump = J(neighbour) − J(region ${id})</p>` +
    `<table id="neighbours"><thead><tr><th>region</th><th>neurons</th><th>jump</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

svg.addEventListener("mouseover", (ev) => {
  const el = (ev.target as Element).closest<SVGElement>("[data-region]");
  if (el) show(Number(el.dataset.region));
});
svg.addEventListener("click", (ev) => {
  if (zoom.wasDrag()) return;
  const el = (ev.target as Element).closest<SVGElement>("#regions [data-region]");
  select(el ? Number(el.dataset.region) : undefined);
});

const zoom = panZoom(svg);
document.getElementById("reset")!.addEventListener("click", () => zoom.reset());
document.getElementById("show-hyperplanes")!.addEventListener("change", (ev) => {
  document.body.classList.toggle("show-hyperplanes", (ev.target as HTMLInputElement).checked);
});

// The neuron table: a row highlights its neuron's hyperplane.
const tbody = document.querySelector("#neurons tbody")!;
tbody.innerHTML = data.neurons
  .map((n) => `<tr data-layer="${n.layer}" data-neuron="${n.neuron}" class="${n.status}"><td>${n.layer}</td><td>${n.neuron}</td><td>${n.status}</td><td>${n.segments}</td></tr>`)
  .join("");
function highlightNeuron(row: HTMLElement | null): void {
  svg.querySelectorAll("#hyperplanes .hl").forEach((el) => el.classList.remove("hl"));
  tbody.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
  if (!row) return;
  row.classList.add("hl");
  svg.querySelectorAll(`#hyperplanes [data-layer="${row.dataset.layer}"][data-neuron="${row.dataset.neuron}"]`).forEach((el) => el.classList.add("hl"));
}
tbody.addEventListener("mouseover", (ev) => highlightNeuron((ev.target as Element).closest<HTMLElement>("tr")));
tbody.addEventListener("mouseleave", () => highlightNeuron(null));

show(undefined);
select(undefined);
document.body.dataset.ready = "true";
