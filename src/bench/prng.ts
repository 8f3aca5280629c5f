/**
 * A small seeded pseudo-random generator for the benchmark's claims. Math.random is never used:
 * the same seed gives the same 200,000 claims on every machine, so runs can be compared.
 */

/** mulberry32: 32 bits of state, fast and good enough to spread test data (not for secrets). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high], both included. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One key, chosen with the given relative weights. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as Array<[T, number]>;
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1][0];
  }

  /**
   * An integer between low and high whose logarithm is uniform: medical bills are heavy-tailed,
   * many small ones and a few very large ones, which is what reaches deductibles and caps.
   */
  logUniform(low: number, high: number): number {
    return Math.round(Math.exp(Math.log(low) + this.next() * (Math.log(high) - Math.log(low))));
  }
}
