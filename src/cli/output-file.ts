// Writing command output to a file (-o, --result-file, --certificate): the one place that turns a failed
// write into a one-line InputError naming the file, so every command reports it the same way.
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { InputError } from "../errors.js";

function cannotWrite(file: string, error: unknown): InputError {
  return new InputError(file, "", `cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/** Write the whole text to `file`. */
export function writeTextFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw cannotWrite(file, error);
  }
}

/** Open `file` for streamed writes (NDJSON region maps). */
export function openTextFile(file: string): { write: (text: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(file, "w");
  } catch (error) {
    throw cannotWrite(file, error);
  }
  return { write: (text) => void writeSync(fd, text), close: () => closeSync(fd) };
}
