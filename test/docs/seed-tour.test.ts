// docs/seed-tour.md is what the tour's commands print now: re-running every command (scripts/seed-tour.ts)
// reproduces the committed document byte for byte (timings excepted, which the script replaces by "(varies)").
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderTour, TOUR } from "../../scripts/seed-tour.js";
import { projectFile } from "../project.js";

describe("docs/seed-tour.md", () => {
  it("is exactly what scripts/seed-tour.ts renders from the commands' current output, pictures included", async () => {
    const committed = readFileSync(projectFile("docs/seed-tour.md"), "utf8");
    const pictures = mkdtempSync(join(tmpdir(), "tessera-tour-pictures-"));
    // when a command's output changes on purpose, regenerate the page: npx tsx scripts/seed-tour.ts
    expect(await renderTour(pictures), "docs/seed-tour.md is stale: run `npx tsx scripts/seed-tour.ts`").toBe(committed);
    for (const step of TOUR.flatMap((s) => s.steps)) {
      if (!step.picture) continue;
      const name = step.picture.replace(/^.*\//, "");
      expect(readFileSync(join(pictures, name), "utf8"), `docs/${step.picture} is stale`).toBe(readFileSync(projectFile(`docs/${step.picture}`), "utf8"));
    }
  }, 120_000);

  it("quotes every claim with a command (no step without one)", () => {
    const steps = TOUR.flatMap((s) => s.steps);
    expect(steps.length).toBeGreaterThanOrEqual(14);
    for (const step of steps) expect(step.commands.length, step.quote).toBeGreaterThan(0);
  });
});
