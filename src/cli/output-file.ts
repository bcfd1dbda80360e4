// Writing command output to a file (-o, --result-file, --certificate) and to standard output: the one place
// that turns a failed write (ENOSPC, EACCES, EPIPE, …) into a one-line InputError naming the file, so every
// command reports it the same way. A regular file is written under a temporary name in its folder and
// renamed when complete, so a failed or interrupted write never leaves a file that looks complete; devices,
// pipes and standard output are written directly.
import { closeSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "its folder does not exist",
  ENOTDIR: "a part of its path is not a folder",
  EISDIR: "is a directory",
  EROFS: "read-only file system",
  EPIPE: "the reading end of the pipe was closed",
  EFBIG: "file too large",
  EIO: "input/output error",
};

/** "CODE: what it means" for an errno error, or its message. */
export function writeErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return (error as Error).message;
  return REASONS[code] ? `${code}: ${REASONS[code]}` : code;
}

/** The one-line error of a failed write; `flag` names the option when the message should start with it. */
export function cannotWrite(file: string, error: unknown, flag?: string): InputError {
  return flag ? new InputError(flag, "", `cannot write ${file} (${writeErrorReason(error)})`) : new InputError(file, "", `cannot be written (${writeErrorReason(error)})`);
}

export interface OutputFile {
  write(content: string | Uint8Array): void;
  /** The output is complete: close it (and rename the temporary file into place). */
  close(): void;
  /** The output failed: close it and remove the temporary file (a device or pipe is just closed). */
  discard(): void;
}

/** Where to write: the target itself (devices, pipes) or a temporary name next to it (regular files). */
function plan(file: string): { target: string; temp?: string } {
  let target = file;
  try {
    target = realpathSync(file);
    if (!statSync(target).isFile()) return { target };
  } catch {
    // A new file (or a dangling path: opening it reports why).
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  return { target, temp };
}

/** Open `file` for streamed writes (NDJSON region maps): written under a temporary name, renamed by close(). */
export function openTextFile(file: string, flag?: string): OutputFile {
  const { target, temp } = plan(file);
  let fd: number | undefined;
  try {
    fd = openSync(temp ?? target, "w");
  } catch (error) {
    throw cannotWrite(file, error, flag);
  }
  const release = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    closeSync(f);
  };
  const discard = (): void => {
    try {
      release();
    } catch {
      // The write already failed; the temporary file is removed below.
    }
    if (temp) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone.
      }
    }
  };
  return {
    write: (content) => {
      try {
        if (fd === undefined) throw new Error("the output is already closed");
        const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      } catch (error) {
        discard();
        throw cannotWrite(file, error, flag);
      }
    },
    close: () => {
      try {
        release();
        if (temp) renameSync(temp, target);
      } catch (error) {
        discard();
        throw cannotWrite(file, error, flag);
      }
    },
    discard,
  };
}

/** Write the whole text to `file` (through a temporary name when it is a regular file). */
export function writeTextFile(file: string, text: string, flag?: string): void {
  const out = openTextFile(file, flag);
  out.write(text);
  out.close();
}

/** Write binary content (PNG pictures) to `file`, the same way as writeTextFile. */
export function writeBinaryFile(file: string, bytes: Uint8Array, flag?: string): void {
  const out = openTextFile(file, flag);
  out.write(bytes);
  out.close();
}
