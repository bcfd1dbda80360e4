// What the browser build gets in place of the Node built-ins (node:fs, node:path, node:crypto) that a few
// library modules import for file access and digests. The page's code path (reading dropped bytes, enumerating,
// drawing) calls none of them; if one ever is called, it fails loudly instead of doing something else.
import { UsageError } from "../errors.js";

const unavailable = (what: string) => (): never => {
  throw new UsageError(`web: ${what} is not available in the browser`);
};

export const readFileSync = unavailable("reading files");
export const statSync = unavailable("reading files");
export const fstatSync = unavailable("reading files");
export const readSync = unavailable("reading files");
export const realpathSync = unavailable("reading files");
export const renameSync = unavailable("writing files");
export const unlinkSync = unavailable("writing files");
export const existsSync = unavailable("reading files");
export const writeFileSync = unavailable("writing files");
export const openSync = unavailable("writing files");
export const writeSync = unavailable("writing files");
export const closeSync = unavailable("writing files");
export const createHash = unavailable("hashing (node:crypto)");
export const extname = unavailable("node:path");
export const dirname = unavailable("node:path");
export const basename = unavailable("node:path");
export const isAbsolute = unavailable("node:path");
export const resolve = unavailable("node:path");
export const join = unavailable("node:path");
export default {};
