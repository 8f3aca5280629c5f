/**
 * The k best items of a stream, in a heap of at most k: memory does not grow with the stream.
 * `better(a, b)` is true when a ranks before b; ties must be broken by the caller so that the
 * result does not depend on the order items arrive in (a resumed job merges chunks in any order).
 */
export class BoundedTop<T> {
  /** A heap whose root is the worst item kept. */
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly better: (a: T, b: T) => boolean,
  ) {}

  push(item: T): void {
    if (this.k <= 0) return;
    if (this.heap.length < this.k) {
      this.heap.push(item);
      this.up(this.heap.length - 1);
    } else if (this.better(item, this.heap[0])) {
      this.heap[0] = item;
      this.down(0);
    }
  }

  /** The items kept, best first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }

  private worse(i: number, j: number): boolean {
    return this.better(this.heap[j], this.heap[i]);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      let worst = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < this.heap.length && this.worse(child, worst)) worst = child;
      if (worst === i) return;
      [this.heap[i], this.heap[worst]] = [this.heap[worst], this.heap[i]];
      i = worst;
    }
  }
}
