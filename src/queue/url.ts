// The queue's URL (docs/distributed.md): from --queue, or TESSERA_QUEUE so that a password need not appear on a
// command line; redis:// or rediss:// (TLS), checked before anything is sent; shown without its password. No
// Redis client here: the CLI reads the flags without loading ioredis and BullMQ (connection.ts loads them).
import { InputError } from "../errors.js";

/** The queue's URL from the flag (`--queue URL`), else TESSERA_QUEUE (`--queue` alone, or no flag); undefined when neither is given. */
export function queueUrlFrom(flag: string | true | undefined, env: NodeJS.ProcessEnv = process.env): { url: string; from: string } | undefined {
  if (typeof flag === "string") return { url: flag, from: "--queue" };
  const fromEnv = env.TESSERA_QUEUE;
  return fromEnv ? { url: fromEnv, from: "TESSERA_QUEUE" } : undefined;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(an unparsable URL)";
  }
}

/** Check the form of a queue URL: redis://[user][:password@]host[:port][/db] or rediss://. */
export function checkQueueUrl(url: string, from: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(from, "", `${JSON.stringify(redactUrl(url))} is not a URL of the form redis://[:password@]host:port[/db]`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new InputError(from, "", `${JSON.stringify(redactUrl(url))}: the scheme must be redis:// or rediss:// (TLS), not ${u.protocol}//`);
  if (!u.hostname) throw new InputError(from, "", `${JSON.stringify(redactUrl(url))} names no host`);
  if (u.port && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) throw new InputError(from, "", `${JSON.stringify(redactUrl(url))}: port ${u.port} is not 1..65535`);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) throw new InputError(from, "", `${JSON.stringify(redactUrl(url))}: the database /${db} is not a number`);
}
