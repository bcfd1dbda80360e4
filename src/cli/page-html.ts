// The pieces every HTML page of `tessera view` shares: the bundled page scripts from dist/pages (built by
// `npm run build`), script-safe text, and a head whose Content-Security-Policy lets no request leave the page.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";

/** A bundled page script from dist/pages (built by `npm run build`). */
export function pageScript(name: "view-page" | "live-page" | "live-worker"): string {
  const url = new URL(`../../dist/pages/${name}.js`, import.meta.url);
  try {
    return readFileSync(url, "utf8");
  } catch {
    throw new UsageError(`view: the page scripts are not built (${fileURLToPath(url)} is missing); run \`npm run build\``);
  }
}

/** Text for a <script> element: "</script" and "<!--" cannot end or confuse it. */
export function scriptText(text: string): string {
  return text.replace(/<(\/script|!--)/gi, "\\u003c$1");
}

/** Page head: no request leaves the page (Content-Security-Policy), inline styles and scripts only. */
export function pageHead(title: string, css: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; worker-src blob:">` +
    `<title>${escapeHtml(title)}</title><style>${css}</style></head>`
  );
}

export const escapeHtml = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

