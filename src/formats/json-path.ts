// Helpers shared by the JSON readers: parse text with a line/column error, walk values while naming the
// JSON path of each (`layers[2].weights[0][1]`), and read exact rationals from strings or numbers.
import { InputError } from "../errors.js";
import { checkReadDeadline } from "./limits.js";
import { notRationalMessage, rationalFromJsonNumber, tryParseRational, type Rational } from "../exact/rational.js";

/** JSON.parse that turns a syntax error into an InputError with line and column. */
export function parseJsonText(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = syntaxErrorOffset(text);
    const truncated = offset >= text.trimEnd().length;
    const location = lineColumn(text, offset);
    const detail = message.replace(/ in JSON at position \d+.*$/, "").replace(/, ".*" is not valid JSON$/, "");
    throw new InputError(file, location, truncated ? "the JSON is truncated (unexpected end of input)" : `invalid JSON: ${detail}`);
  }
  const inexact = inexactJsonNumber(text);
  if (inexact) {
    const shown = inexact.token.length > 40 ? inexact.token.slice(0, 40) + "…" : inexact.token;
    throw new InputError(file, lineColumn(text, inexact.offset), `the JSON number ${shown} cannot be read exactly (a JSON number is a float64); write it as a string such as "${shown}"`);
  }
  return value;
}

/**
 * The number of number and string values in JSON text, counted without parsing (a fast scan), stopping once it
 * exceeds `stopAbove`: readers refuse a document too large for their limits before JSON.parse builds it.
 */
export function jsonValueCount(text: string, stopAbove = Infinity): number {
  let count = 0;
  const n = text.length;
  for (let i = 0; i < n && count <= stopAbove; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      count++;
      for (i++; i < n && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \\ */) i++;
    } else if (ch === 45 /* - */ || (ch >= 48 && ch <= 57)) {
      count++;
      for (i++; i < n; i++) {
        const c = text.charCodeAt(i);
        if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) break;
      }
      i--;
    }
  }
  return count;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * The first number literal (outside strings) whose exact value is not the float64 JSON.parse gives
 * (more digits than a float64 keeps, or beyond its range): the number policy refuses silent rounding.
 * Short literals without an exponent are always exact, so only long ones and exponents are compared.
 */
function inexactJsonNumber(text: string): { offset: number; token: string } | undefined {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      for (i++; i < n && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \\ */) i++;
      continue;
    }
    if (ch !== 45 /* - */ && (ch < 48 || ch > 57)) continue;
    let j = i + 1;
    let exponent = false;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 101 || c === 69) exponent = true;
      else if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45)) break;
    }
    const token = text.slice(i, j);
    if (exponent || token.length > 15) {
      const exact = tryParseRational(token);
      const read = rationalFromJsonNumber(Number(token));
      if (exact === undefined || read === undefined || exact.compare(read) !== 0) return { offset: i, token };
    }
    i = j - 1;
  }
  return undefined;
}

/** True when parsing failed only because the text ended (so a longer text might still parse). */
function failsAtEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const m = (error as Error).message;
    if (/end of JSON input/.test(m)) return true;
    const pos = /at position (\d+)/.exec(m);
    return pos !== null && Number(pos[1]) >= prefix.length;
  }
}

/** Offset of the first character that makes `text` invalid JSON (V8 does not always report it). */
function syntaxErrorOffset(text: string): number {
  // The longest prefix that fails only "at the end" is a valid JSON beginning; the error is right after it.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (failsAtEnd(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo === text.length ? lo : lo);
}

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property (never one inherited through __proto__ or the prototype chain). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function hasOwn(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * A reader bound to one file: every failure names the file and the JSON path. `limits` are those of
 * tryParseRational (a document tessera wrote itself is read with `{ maxDigits: Infinity }`).
 */
export class JsonReader {
  /** Rationals read so far: the --timeout deadline is checked every 65536. */
  private rationalsRead = 0;

  constructor(
    readonly file: string,
    readonly limits: { readonly maxDigits?: number } = {},
  ) {}

  fail(path: string, reason: string): never {
    throw new InputError(this.file, path, reason);
  }

  object(v: unknown, path: string): JsonObject {
    if (!isObject(v)) this.fail(path, `expected an object, found ${typeName(v)}`);
    return v;
  }

  array(v: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, found ${typeName(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== "string") this.fail(path, `expected a string, found ${typeName(v)}`);
    return v;
  }

  positiveInteger(v: unknown, path: string): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) this.fail(path, `expected a positive integer, found ${typeName(v)}`);
    return v;
  }

  /** A rational given as a string ("1/3", "0.1", "-2.5e-3") or a JSON number (its shortest decimal). */
  rational(v: unknown, path: string): Rational {
    if ((++this.rationalsRead & 0xffff) === 0) checkReadDeadline(this.file);
    if (typeof v === "number") {
      const r = rationalFromJsonNumber(v);
      if (r === undefined) this.fail(path, `the JSON number ${v} is beyond float range, so JSON cannot hold it exactly; write it as a string such as "1e400"`);
      return r;
    }
    if (typeof v === "string") {
      const r = tryParseRational(v, this.limits);
      if (r === undefined) this.fail(path, notRationalMessage(v, this.limits));
      return r;
    }
    this.fail(path, `expected a rational (a string such as "1/3" or a number), found ${typeName(v)}`);
  }

  rationalVector(v: unknown, path: string, length?: number): Rational[] {
    const arr = this.array(v, path);
    if (length !== undefined && arr.length !== length) this.fail(path, `expected ${length} entries, found ${arr.length}`);
    return arr.map((x, i) => this.rational(x, `${path}[${i}]`));
  }

  rationalMatrix(v: unknown, path: string, cols?: number): Rational[][] {
    const rows = this.array(v, path);
    if (rows.length === 0) this.fail(path, "expected at least one row");
    const width = cols ?? this.array(rows[0], `${path}[0]`).length;
    return rows.map((row, i) => this.rationalVector(row, `${path}[${i}]`, width));
  }
}

/** "lo:hi" with rationals (either side may be "-inf"/"inf" only when allowUnbounded). */
export function parseInterval(text: string): [Rational, Rational] | undefined {
  const parts = text.split(":");
  if (parts.length !== 2) return undefined;
  const lo = tryParseRational(parts[0]!);
  const hi = tryParseRational(parts[1]!);
  if (!lo || !hi || lo.compare(hi) > 0) return undefined;
  return [lo, hi];
}
