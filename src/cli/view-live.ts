// The HTML of a `tessera view --live` page: the controls (drop zone, axes, box, limits, compute and stop), the
// page script, and the Web Worker's script as inert text the page turns into a worker (a Blob URL, so the page
// works from disk with no server). With a network given on the command line, its bytes come along (base64).
import { pageHead, scriptText } from "./page-html.js";

const CSS = `body{font-family:sans-serif;margin:1em;color:#222}#drop{border:2px dashed #888;padding:1.2em;margin:.5em 0;text-align:center}
#drop.over{background:#eef}#layout{display:flex;gap:1em;align-items:flex-start}#picture{border:1px solid #ccc;min-width:320px;min-height:200px}
#picture svg{display:block;max-width:68vw;height:auto;cursor:grab}#regions polygon{stroke:#222;stroke-width:.6}
#hover{flex:1;min-width:22em;font-size:13px}#hover dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 8px}
#hover dd{margin:0;font-family:monospace;word-break:break-all}#error{color:#b00;font-weight:bold;font-family:monospace}
.warning{color:#b00;font-weight:bold}#cli{font-family:monospace;font-size:12px;color:#555}label{margin-right:1em}`;

export function livePage(network: { name: string; bytes: Uint8Array } | undefined, pageScript: string, workerScript: string): string {
  const preload = network ? `<script type="application/json" id="preload">${scriptText(JSON.stringify({ name: network.name.replace(/^.*[\\/]/, ""), base64: Buffer.from(network.bytes).toString("base64") }))}</script>` : "";
  return (
    pageHead("tessera view --live", CSS) +
    `<body><h2>tessera: exact linear regions of a 2-D slice, computed in this page</h2>` +
    `<div id="drop">Drop an ONNX, NNET or tessera JSON network here, or <input type="file" id="file" accept=".onnx,.nnet,.json"></div>` +
    `<p id="net-info"></p><p id="error" hidden></p>` +
    `<div id="controls" hidden><label>axis s <select id="axis-s"></select></label><label>axis t <select id="axis-t"></select></label>` +
    `<label>box <input id="box" size="60" title="lo:hi for every input, or one lo:hi for all"></label>` +
    `<label>max regions <input id="max-regions" type="number" min="1" placeholder="no limit" size="8"></label>` +
    `<button id="compute">compute</button> <button id="stop" disabled>stop</button> <button id="reset">reset zoom</button>` +
    `<p>The plane goes through the centre c of the box along the two axes (c; c+e_s; c+e_t), bounded by the box.</p></div>` +
    `<p>regions: <b id="count">0</b> · drawn: <span id="drawn">0</span> · <span id="progress"></span></p><p id="status"></p><p id="cli"></p>` +
    `<div id="layout"><div id="picture"></div><div id="hover"></div></div>` +
    preload +
    `<script type="text/plain" id="worker-src">${scriptText(workerScript)}</script>` +
    `<script>${scriptText(pageScript)}</script></body></html>\n`
  );
}
