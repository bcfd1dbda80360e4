// The Web Worker of a live page: reads the dropped network with the library's own readers, enumerates the
// regions of the slice the page asks for with the library's region engine (certified, exactly as `tessera
// count`/`plot` on the same --plane and --box), and streams the regions back with progress. A stop message
// aborts the enumeration (the answer then says complete: false). Errors come back as the CLI's one line.
import { boxFromText } from "../formats/domain.js";
import { errorLine, UsageError } from "../errors.js";
import { formatRational, rationalToNumber, type Rational } from "../exact/rational.js";
import { describeMap, orderPolygon } from "../formats/svg.js";
import { networkFromBytes } from "../formats/load.js";
import { sliceDomain } from "../geometry/domain.js";
import { formatPattern } from "../network/evaluate.js";
import { inputSize, outputSize, type Network } from "../network/ir.js";
import { enumerateRegions } from "../regions/enumerate.js";
import type { LiveRegion, LiveReply, LiveRequest } from "./live-protocol.js";

// The region engine yields to the event loop with setImmediate (Node); a worker has setTimeout.
const scope = globalThis as { setImmediate?: (f: () => void) => void };
scope.setImmediate ??= (f) => void setTimeout(f, 0);

const post = (reply: LiveReply): void => postMessage(reply);
let net: Network | undefined;
let name = "";
let controller: AbortController | undefined;

const interval = (lo: Rational, hi: Rational): string => `${formatRational(lo)}:${formatRational(hi)}`;

async function slice(request: Extract<LiveRequest, { kind: "slice" }>): Promise<void> {
  if (!net) throw new UsageError("live: drop a network file first");
  const n = inputSize(net);
  const [i, j] = request.axes;
  if (i === j) throw new UsageError("live: pick two different input axes");
  const box = boxFromText(request.box, n);
  if (box.kind !== "box") throw new UsageError("live: the box must be a box");
  const centre = box.lo.map((lo, k) => lo.add(box.hi[k]!).div(2));
  const step = (k: number): Rational[] => centre.map((v, m) => (m === k ? v.add(1) : v));
  const points = [centre, step(i), step(j)];
  const domain = sliceDomain(points, box);
  controller = new AbortController();
  let buffer: LiveRegion[] = [];
  let sent = 0;
  const flush = (): void => {
    if (buffer.length > 0) post({ kind: "regions", regions: buffer });
    buffer = [];
  };
  const result = await enumerateRegions(net, domain, {
    maxRegions: request.maxRegions,
    certify: true,
    irredundant: true,
    keepCertificates: false,
    collectVertices: true,
    signal: controller.signal,
    onRegion: (r) => {
      if (sent >= request.drawLimit) return;
      sent++;
      buffer.push({
        id: r.id,
        pattern: formatPattern(r.pattern),
        vertices: orderPolygon((r.vertices ?? []).map((v) => [rationalToNumber(v[0]!), rationalToNumber(v[1]!)])),
        map: describeMap(r.map, ["s", "t"]),
        witness: r.witness.map(formatRational),
      });
      if (buffer.length >= 100) flush();
    },
    onProgress: (p) => {
      flush();
      post({ kind: "progress", regions: p.regions, elapsedMs: p.elapsedMs, depth: p.depth, neurons: p.neurons });
    },
  });
  flush();
  controller = undefined;
  const span = (k: number): [number, number] => [rationalToNumber(box.lo[k]!.sub(centre[k]!)), rationalToNumber(box.hi[k]!.sub(centre[k]!))];
  post({
    kind: "done",
    regions: result.regions,
    complete: result.complete,
    status: result.status,
    elapsedMs: result.elapsedMs,
    plane: points.map((p) => p.map(formatRational).join(",")).join(";"),
    box: box.lo.map((lo, k) => interval(lo, box.hi[k]!)).join(","),
    window: [span(i), span(j)],
  });
}

onmessage = (event: MessageEvent<LiveRequest>): void => {
  const request = event.data;
  void (async () => {
    try {
      if (request.kind === "stop") return controller?.abort();
      if (request.kind === "load") {
        net = undefined;
        net = networkFromBytes(request.bytes, request.name);
        name = request.name;
        const box = net.inputBox ? net.inputBox.map(([lo, hi]) => interval(lo, hi)).join(",") : null;
        const neurons = net.nodes.reduce((s, node) => s + (node.kind === "activation" ? node.size : 0), 0);
        post({ kind: "loaded", name, inputs: inputSize(net), outputs: outputSize(net), neurons, box });
        return;
      }
      await slice(request);
    } catch (error) {
      controller = undefined;
      post({ kind: "error", message: `tessera: ${errorLine(error)}` });
    }
  })();
};
