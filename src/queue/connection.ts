// The Redis connection of the queue (docs/distributed.md): the URL (--queue, or TESSERA_QUEUE so that a
// password need not appear on a command line), redis:// or rediss:// (TLS), checked before anything is sent;
// a first connection that fails within a few seconds with one line that says why (refused, wrong password,
// timeout), never with a password in it; and the clients BullMQ needs (retrying forever once connected).
import { Redis, type RedisOptions } from "ioredis";
import { InputError } from "../errors.js";

/** How long the first connection may take before the run gives up (the error comes within 5 s). */
export const CONNECT_TIMEOUT_MS = 4000;

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

/** Why a first connection failed, in words. */
function reason(error: Error | undefined): string {
  const text = error?.message ?? "no answer";
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) return "the password (or user) is wrong";
  if (/NOAUTH/i.test(text)) return "the server needs a password (redis://:PASSWORD@host:port)";
  if (/ECONNREFUSED/.test(text)) return "the connection was refused (is redis-server running on that host and port?)";
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return "the host name is not known";
  if (/ETIMEDOUT|timeout/i.test(text)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  return text;
}

/**
 * A connected client for BullMQ (maxRetriesPerRequest null: it waits through reconnections), after a first
 * connection that must succeed within CONNECT_TIMEOUT_MS: else an InputError naming the URL (password hidden)
 * and why.
 */
export async function connectRedis(url: string, from: string): Promise<Redis> {
  checkQueueUrl(url, from);
  let last: Error | undefined;
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on("error", (error: Error) => (last = error));
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), CONNECT_TIMEOUT_MS + 500).unref());
  try {
    await Promise.race([probe.connect().then(() => probe.ping()), timer]);
  } catch (error) {
    probe.disconnect();
    throw new InputError(from, "", `cannot use Redis at ${redactUrl(url)}: ${reason(last ?? (error as Error))}`);
  }
  probe.disconnect();
  return newClient(url);
}

/** A client that retries (re)connecting forever, as BullMQ's workers and blocking reads need. */
export function newClient(url: string, extra: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS, ...extra });
  // Connection errors are reported by the code that waits on the client; an unhandled 'error' event would crash.
  client.on("error", () => undefined);
  return client;
}
