/**
 * Timing loops. The engine settles synchronously, so its loop has no await in it: an await per claim
 * would measure the event loop, not the engine. The baselines are asynchronous by nature and are
 * awaited one claim at a time, on the same single thread.
 */
import { isDomainError, type ErrorCode } from "../lib/errors";
import type { BenchClaim } from "./selection";

export interface TimedRun {
  /** Claims settled. */
  settled: number;
  /** Claims refused with a DomainError, by code. */
  refused: Map<ErrorCode, number>;
  seconds: number;
  /** Settlements per second (refused claims are not counted as settlements). */
  rate: number;
}

function finish(settled: number, refused: Map<ErrorCode, number>, start: bigint): TimedRun {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { settled, refused, seconds, rate: settled / seconds };
}

function countRefusal(refused: Map<ErrorCode, number>, error: unknown): void {
  if (!isDomainError(error)) throw error;
  refused.set(error.code, (refused.get(error.code) ?? 0) + 1);
}

/** Times a synchronous settlement of every claim, counting refusals apart. */
export function timeSync(claims: readonly BenchClaim[], settleOne: (item: BenchClaim) => unknown): TimedRun {
  const refused = new Map<ErrorCode, number>();
  let settled = 0;
  const start = process.hrtime.bigint();
  for (const item of claims) {
    try {
      settleOne(item);
      settled++;
    } catch (error) {
      countRefusal(refused, error);
    }
  }
  return finish(settled, refused, start);
}

/** Times an asynchronous settlement of every claim, one at a time, counting refusals apart. */
export async function timeAsync(claims: readonly BenchClaim[], settleOne: (item: BenchClaim) => Promise<unknown>): Promise<TimedRun> {
  const refused = new Map<ErrorCode, number>();
  let settled = 0;
  const start = process.hrtime.bigint();
  for (const item of claims) {
    try {
      await settleOne(item);
      settled++;
    } catch (error) {
      countRefusal(refused, error);
    }
  }
  return finish(settled, refused, start);
}

/** A run in one line: count, time, rate and refusals. */
export function describeRun(label: string, run: TimedRun): string {
  const refused = [...run.refused].map(([code, n]) => `${code} ${n}`).join(", ") || "none";
  return `${label}: ${run.settled.toLocaleString("en-US")} settlements in ${run.seconds.toFixed(2)} s = ${Math.round(run.rate).toLocaleString("en-US")}/s; refused: ${refused}`;
}
