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
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
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
