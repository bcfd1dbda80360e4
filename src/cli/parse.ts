// Parsing of flag values shared by commands: rational vectors ("3,1/2"), positive integers, seconds.
// Each failure is a one-line InputError naming the flag, the position in the value and what is wrong.
import { InputError } from "../errors.js";
import { notRationalMessage, tryParseRational, type Rational } from "../exact/rational.js";

/** "3,1/2,-0.5" → rationals; `expected` checks the length. */
export function parseRationalList(text: string, flag: string, expected?: number): Rational[] {
  const parts = text.split(",");
  if (text.trim() === "") throw new InputError(flag, "", "is empty; give comma-separated rationals such as \"3,1/2\"");
  const values = parts.map((part, i) => {
    const r = tryParseRational(part);
    if (r === undefined) throw new InputError(flag, `value ${i + 1}`, notRationalMessage(part));
    return r;
  });
  if (expected !== undefined && values.length !== expected) {
    throw new InputError(flag, "", `has ${values.length} value${values.length === 1 ? "" : "s"}, the network takes ${expected}`);
  }
  return values;
}

export function parsePositiveInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(flag, "", `${JSON.stringify(text)} is not a positive integer`);
  }
  return Number(text);
}

export function parsePositiveSeconds(text: string, flag: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v <= 0) throw new InputError(flag, "", `${JSON.stringify(text)} is not a positive number of seconds`);
  return v;
}

/** A byte count such as "1000000", "512K", "300M" or "2G" (powers of 1024). */
export function parseByteSize(text: string, flag: string): number {
  const m = /^\s*(\d+)\s*([kKmMgG]?)i?[bB]?\s*$/.exec(text);
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? "").toLowerCase()];
  const value = m && scale ? Number(m[1]) * scale : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new InputError(flag, "", `${JSON.stringify(text)} is not a positive size in bytes (such as 1000000, 512K, 300M or 2G)`);
  return value;
}
