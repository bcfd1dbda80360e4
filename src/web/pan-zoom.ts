// Pan and zoom of an SVG picture in a page, by changing its viewBox: the wheel zooms around the pointer,
// dragging pans, a button resets. `wasDrag()` tells click handlers that the pointer moved (a pan, not a click).
export interface PanZoom {
  wasDrag(): boolean;
  reset(): void;
}

export function panZoom(svg: SVGSVGElement): PanZoom {
  const base = svg.viewBox.baseVal;
  const home = { x: base.x, y: base.y, w: base.width, h: base.height };
  let view = { ...home };
  const apply = (): void => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const rect = svg.getBoundingClientRect();
    const fx = (ev.clientX - rect.left) / rect.width;
    const fy = (ev.clientY - rect.top) / rect.height;
    const k = ev.deltaY < 0 ? 0.8 : 1.25;
    const w = view.w * k;
    const h = view.h * k;
    view = { x: view.x + fx * (view.w - w), y: view.y + fy * (view.h - h), w, h };
    apply();
  }, { passive: false });
  let drag: { x: number; y: number; vx: number; vy: number } | undefined;
  let dragged = false;
  svg.addEventListener("pointerdown", (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
    dragged = false;
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) <= 3) return;
    dragged = true;
    const rect = svg.getBoundingClientRect();
    view = { ...view, x: drag.vx - ((ev.clientX - drag.x) / rect.width) * view.w, y: drag.vy - ((ev.clientY - drag.y) / rect.height) * view.h };
    apply();
  });
  window.addEventListener("pointerup", () => {
    drag = undefined;
  });
  return {
    wasDrag: () => dragged,
    reset: () => {
      view = { ...home };
      apply();
    },
  };
}
