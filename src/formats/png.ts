// PNG pictures: an SVG picture rendered by resvg (@resvg/resvg-js, a prebuilt native renderer; no browser). The
// SVG already has the requested size in px, so the PNG has exactly that size. Loaded on first use only, so
// commands that draw nothing never load the renderer.
import { InternalError } from "../errors.js";

/** Render an SVG document to PNG bytes at the SVG's own width and height. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  try {
    const rendered = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render();
    return rendered.asPng();
  } catch (error) {
    throw new InternalError(`formats/png: the renderer refused the picture (${(error as Error).message})`);
  }
}
