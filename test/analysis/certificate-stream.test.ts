// NDJSON verification certificates are checked as a stream: the file is read line by line while the trees are
// replayed (so a file far larger than the size limit, whose every line is short, is checked — the whole-file
// reader would refuse it), and a split tree 100,000 levels deep neither overflows the stack nor is refused.
// The network is hand-made: y = relu(x) − relu(−x) = x, so on the box [1, 2] y ≥ 1 and "y ≤ 1/2" is unreachable.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rat } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { DEFAULT_MAX_FILE_SIZE, setMaxFileSize } from "../../src/formats/load.js";
import { checkDocument, readCheckInput } from "../../src/check/index.js";
import "../../src/analysis/certificate-check.js";
import { certificateDocument } from "../../src/analysis/certificate-writer.js";
import { certificateHeader } from "../../src/analysis/certificate.js";
import type { VerificationProblem } from "../../src/analysis/problem.js";
import { InputError } from "../../src/errors.js";

const net = sequential(1, [{ weights: [[rat(1)], [rat(-1)]], bias: [rat(0), rat(0)] }, { weights: [[rat(1), rat(-1)]], bias: [rat(0)] }], { kind: "relu" });
const problem: VerificationProblem = { inputSize: 1, outputSize: 1, boxes: [{ lo: [rat(1)], hi: [rat(2)] }], disjuncts: [[{ a: [rat(1)], b: rat(1, 2) }]] };
const header = JSON.stringify({ ...certificateHeader(certificateDocument(net, problem, { lowerSlopeRatio: 2 }, [])), cases: 1 });

/** A tree `depth` splits deep along its first children (each split at 2, the box's top: the first child keeps the box, the second is the point 2). */
function deepCertificate(depth: number): string {
  const parts = [header, '{"case":{"box":0,"disjunct":0}}'];
  for (let i = 0; i < depth; i++) parts.push('{"split":{"dim":0,"at":"2"}}');
  for (let i = 0; i <= depth; i++) parts.push('{"mu":["1"]}');
  parts.push(`{"end":true,"leaves":${depth + 1}}`);
  return parts.join("\n") + "\n";
}

const dir = mkdtempSync(join(tmpdir(), "tessera-cert-stream-"));
afterEach(() => setMaxFileSize(DEFAULT_MAX_FILE_SIZE));

describe("NDJSON certificates are streamed", () => {
  it("a 100,000-deep split tree is checked (no stack overflow), every leaf re-proved", { timeout: 600_000 }, () => {
    const file = join(dir, "deep.ndjson");
    writeFileSync(file, deepCertificate(100_000));
    const report = checkDocument(readCheckInput(file), net, file);
    expect(report.items).toBe(100_001);
    expect(report.message).toContain("200001 nodes");
  });

  it("a file larger than the size limit is checked line by line (each line is within it)", () => {
    const file = join(dir, "big.ndjson");
    const text = deepCertificate(2_000);
    writeFileSync(file, text);
    setMaxFileSize(4096);
    expect(text.length).toBeGreaterThan(10 * 4096);
    expect(checkDocument(readCheckInput(file), net, file).items).toBe(2_001);
    // The same content as one JSON document is read whole, so the limit refuses it.
    const jsonFile = join(dir, "big.json");
    writeFileSync(jsonFile, JSON.stringify({ x: text }));
    expect(() => readCheckInput(jsonFile)).toThrow(/than the file size limit of 4096 bytes/);
  });

  it("a bad line far into the stream is reported with its line number when the checker reaches it", () => {
    const file = join(dir, "bad.ndjson");
    const lines = deepCertificate(50).trimEnd().split("\n");
    lines[40] = "{not json";
    writeFileSync(file, lines.join("\n") + "\n");
    const input = readCheckInput(file);
    expect(input.kind).toBe("ndjson");
    expect(() => checkDocument(input, net, file)).toThrow(InputError);
    expect(() => checkDocument(readCheckInput(file), net, file)).toThrow(/line 41: is neither a JSON document nor an NDJSON line/);
  });

  it("a cut file (no end line) is still rejected", () => {
    const file = join(dir, "cut.ndjson");
    writeFileSync(file, deepCertificate(10).trimEnd().split("\n").slice(0, -1).join("\n") + "\n");
    expect(() => checkDocument(readCheckInput(file), net, file)).toThrow(/expected the end line/);
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
