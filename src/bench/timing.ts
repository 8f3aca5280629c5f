/**
 * Timing loops. The engine settles synchronously, so its loop has no await in it: an await per claim
 * would measure the event loop, not the engine. The baselines are asynchronous by nature and are
 * awaited one claim at a time, on the same single thread.
 */
import { isDomainError, type ErrorCode } from "../lib/errors";
import { TIERS, type Tier } from "../engine/vocabulary";
import { engineChoice, tierFactsFor, type BenchClaim, type RuleSelector } from "./selection";

/** Passes over the choices when timing the decision table, which answers in nanoseconds. */
const TABLE_PASSES = 20;

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

/** The tier questions settlement asks for a claim: tiers the pack has and no partner reported. */
function* questions(claims: readonly BenchClaim[]): Generator<[BenchClaim, Tier]> {
  for (const item of claims) {
    for (const tier of TIERS) if (item.pack.tables[tier] && item.claim.reported[tier] === undefined) yield [item, tier];
  }
}

/**
 * Times rule selection alone, without settlement: the choices settlement would ask for on these
 * claims, through the engine's decision table (synchronous) or a baseline selector (awaited).
 * Returns choices per second; shows how much of a settlement's cost is selection at all.
 */
export async function timeSelection(claims: readonly BenchClaim[], select: RuleSelector | "table"): Promise<{ choices: number; chosen: number; rate: number }> {
  const asked = [...questions(claims)].flatMap(([item, tier]) => tierFactsFor(item.pack, item.beneficiary, item.claim, tier).map((facts) => ({ pack: item.pack, tier, facts })));
  // Counted and returned so that the table lookups cannot be optimised away.
  let chosen = 0;
  const start = process.hrtime.bigint();
  let passes = 1;
  if (select === "table") {
    // One pass over the table takes milliseconds; repeated so that the figure is not timer noise.
    passes = TABLE_PASSES;
    for (let pass = 0; pass < passes; pass++) for (const { pack, tier, facts } of asked) if (engineChoice(pack, tier, facts)) chosen++;
  } else {
    for (const { pack, tier, facts } of asked) if (await select(pack, tier, facts)) chosen++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { choices: asked.length, chosen, rate: (asked.length * passes) / seconds };
}
