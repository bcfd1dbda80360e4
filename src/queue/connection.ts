// The Redis connection of the queue (docs/distributed.md): the URL checked before anything is sent (url.ts);
// a first connection that fails within a few seconds with one line that says why (refused, wrong password,
// timeout), never with a password in it; and the clients BullMQ needs (retrying forever once connected).
import { Redis, type RedisOptions } from "ioredis";
import { InputError } from "../errors.js";
import { checkQueueUrl, redactUrl } from "./url.js";

/** How long the first connection may take before the run gives up (the error comes within 5 s). */
export const CONNECT_TIMEOUT_MS = 4000;

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
