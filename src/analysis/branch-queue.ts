// The open-node queue of verify's branch and bound: a binary min-heap on each node's key (best first).
/** A binary min-heap by `key` (insertion order breaks ties, newest first). */
export class MinQueue<T extends { readonly key: number }> {
  private readonly heap: { br: T; seq: number }[] = [];
  private seq = 0;
  get length(): number {
    return this.heap.length;
  }
  private less(a: { br: T; seq: number }, b: { br: T; seq: number }): boolean {
    return a.br.key < b.br.key || (a.br.key === b.br.key && a.seq > b.seq);
  }
  /** The smallest key (the next node `pop` returns), or Infinity when empty. */
  get minKey(): number {
    return this.heap[0]?.br.key ?? Infinity;
  }
  push(br: T): void {
    const h = this.heap;
    h.push({ br, seq: this.seq++ });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    return this.removeAt(0);
  }
  /** Remove and return the element that `better` ranks first (a linear scan: for rare requests such as donations). */
  take(better: (a: T, b: T) => boolean): T | undefined {
    let at = -1;
    this.heap.forEach((e, i) => {
      if (at < 0 || better(e.br, this.heap[at]!.br)) at = i;
    });
    return at < 0 ? undefined : this.removeAt(at);
  }
  private removeAt(at: number): T | undefined {
    const h = this.heap;
    const top = h[at];
    const last = h.pop();
    if (h.length > at && last) {
      h[at] = last;
      let i = at;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.less(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top?.br;
  }
}
