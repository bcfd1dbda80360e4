// Every relative link in README.md and docs/**/*.md resolves to a file or folder inside the repository, so a
// clone's documentation has no dead link and points at nothing outside it (web links are not followed).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The targets of the Markdown links and images of a text ([text](target "title"), <target> forms too). */
export function linkTargets(markdown: string): string[] {
  const code = /```[\s\S]*?```|`[^`\n]*`/g;
  const text = markdown.replace(code, "");
  return [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** Relative targets only: no scheme (https:, mailto:), no pure fragment (#section). */
function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#");
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(path);
    return e.name.endsWith(".md") ? [path] : [];
  });
}

describe("links in README.md and docs/", () => {
  it("the link reader finds links and images, not code", () => {
    const sample = 'See [cli](docs/cli.md), ![plot](img/a.svg "a plot"), [web](https://x.org/a.md), [top](#top).\n`[not](a.md)`\n```\n[nor](b.md)\n```\n';
    expect(linkTargets(sample)).toEqual(["docs/cli.md", "img/a.svg", "https://x.org/a.md", "#top"]);
    expect(linkTargets(sample).filter(isRelative)).toEqual(["docs/cli.md", "img/a.svg"]);
  });

  it("every relative link resolves to a file inside the repository", () => {
    const files = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))];
    expect(files.length).toBeGreaterThan(5);
    const broken: string[] = [];
    for (const file of files) {
      for (const target of linkTargets(readFileSync(file, "utf8")).filter(isRelative)) {
        const path = resolve(dirname(file), decodeURI(target.split("#")[0]!));
        const inside = path === root || path.startsWith(root + sep);
        if (!inside || !existsSync(path)) broken.push(`${relative(root, file)}: ${target}${inside ? "" : " (outside the repository)"}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
