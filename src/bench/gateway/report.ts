/**
 * The benchmark's printed lines. The summary line's shape is fixed by issue 15:
 * `settle S of floor, read R of floor, batch B bills/s (P of storage floor), preview H households/s`.
 */
import * as os from "node:os";
import type { BenchOptions } from "./options";
import type { PhaseResult } from "./load";

/** Issue 15's aims, as ratios to floors measured in the same run (and the preview's rate). */
export const AIMS = { settleOfFloor: 0.5, readOfFloor: 0.7, batchOfStorageFloor: 0.5, previewHouseholdsPerSecond: 2000 };

/** What one run measured, each figure null where its phase is not available. */
export interface RunFigures {
  floor: PhaseResult;
  settle: PhaseResult;
  read: PhaseResult;
  /** Bills per second of the batch, or null without a `settleClaims` mutation. */
  batchBillsPerSecond: number | null;
  storageFloorBillsPerSecond: number;
  previewHouseholdsPerSecond: number | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** The machine and the load shape, so that figures from different runs can be compared. */
export function describeSetup(options: BenchOptions): string[] {
  const cpus = os.cpus();
  const load = options.rate
    ? `overall rate ${options.rate} requests/s over ${options.connections} connections (open loop, autocannon overallRate)`
    : `${options.connections} connections, closed loop (each sends its next request when answered)`;
  return [
    `machine: ${cpus[0]?.model ?? "?"}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`,
    `load: autocannon over loopback, ${load}; ${options.seconds} s per phase after ${options.warmupSeconds} s of unmeasured warm-up; gateway ${options.workers === null ? "in one process of its own" : `with --workers ${options.workers}`}, LOG_LEVEL=warn`,
    "floor phase: { __typename } (HTTP, authentication, Apollo; no resolver), in the same gateway and run as the phases it is the floor of",
    "settle phase: one POST per claim, submitClaim and settleClaim of a new claim in one document (aliases `submitted`, `settled`; GraphQL runs them in order); a settlement counts when the answer has both",
    `read phase: claim(id) { settlement { packId packVersion selfPay lines { tier amount ruleId clause figures } } } of settled claims at random`,
    `batch phase: one settleClaims request of ${options.bills} new bills, timed over HTTP, where the gateway has the mutation; storage floor: the same bills' claims, settlements and settlement_lines rows stored raw into scratch tables of the same shape (better-sqlite3 prepared inserts / mysql2 multi-row inserts, 1,000 bills per transaction)`,
    "preview phase: previewRulePack of a new 聊城 version (the file's rules under the next version number) over every stored household",
  ];
}

/** One phase: throughput, latency and every kind of failure. */
export function describePhase(result: PhaseResult, unit: string): string {
  return (
    `${result.name}: ${Math.round(result.requestsPerSecond)} requests/s, ${Math.round(result.okPerSecond)} ${unit}/s, ` +
    `latency p50 ${result.p50} ms p99 ${result.p99} ms; ${result.requests} requests in ${result.seconds.toFixed(1)} s, ` +
    `non-2xx ${result.non2xx}, GraphQL errors ${result.graphqlErrors}, connection errors ${result.connectionErrors}`
  );
}

/** Whether the figures meet the issue's aims, and which miss. */
export function describeAims(database: string, figures: RunFigures): string {
  const misses: string[] = [];
  const settle = ratio(figures.settle.okPerSecond, figures.floor.okPerSecond);
  const read = ratio(figures.read.okPerSecond, figures.floor.okPerSecond);
  if (settle < AIMS.settleOfFloor) misses.push(`settle ${settle.toFixed(2)} of floor < ${AIMS.settleOfFloor}`);
  if (read < AIMS.readOfFloor) misses.push(`read ${read.toFixed(2)} of floor < ${AIMS.readOfFloor}`);
  if (figures.batchBillsPerSecond === null) misses.push("no batch path");
  else if (ratio(figures.batchBillsPerSecond, figures.storageFloorBillsPerSecond) < AIMS.batchOfStorageFloor) misses.push(`batch ${ratio(figures.batchBillsPerSecond, figures.storageFloorBillsPerSecond).toFixed(2)} of storage floor < ${AIMS.batchOfStorageFloor}`);
  if (figures.previewHouseholdsPerSecond === null) misses.push("no preview");
  else if (figures.previewHouseholdsPerSecond < AIMS.previewHouseholdsPerSecond) misses.push(`preview ${Math.round(figures.previewHouseholdsPerSecond)} households/s < ${AIMS.previewHouseholdsPerSecond}`);
  const aims = `settle ≥ ${AIMS.settleOfFloor} and read ≥ ${AIMS.readOfFloor} of the floor, batch ≥ ${AIMS.batchOfStorageFloor} of the storage floor, preview ≥ ${AIMS.previewHouseholdsPerSecond} households/s`;
  return misses.length === 0 ? `${database}: aims (${aims}) met` : `${database}: aims (${aims}) not met: ${misses.join("; ")}`;
}

/**
 * The last line, in the issue's words:
 * `settle S of floor, read R of floor, batch B bills/s (P of storage floor), preview H households/s`,
 * with `n/a` for a figure whose phase is not available.
 */
export function summaryLine(figures: RunFigures): string {
  const batch = figures.batchBillsPerSecond;
  const batchPart = batch === null ? "n/a bills/s (n/a of storage floor)" : `${Math.round(batch)} bills/s (${ratio(batch, figures.storageFloorBillsPerSecond).toFixed(2)} of storage floor)`;
  const preview = figures.previewHouseholdsPerSecond === null ? "n/a" : `${Math.round(figures.previewHouseholdsPerSecond)}`;
  return (
    `settle ${ratio(figures.settle.okPerSecond, figures.floor.okPerSecond).toFixed(2)} of floor, ` +
    `read ${ratio(figures.read.okPerSecond, figures.floor.okPerSecond).toFixed(2)} of floor, ` +
    `batch ${batchPart}, preview ${preview} households/s`
  );
}

/** The pattern of the last line, for the test that keeps the benchmark from rotting. */
export const SUMMARY_LINE = /^settle \d+\.\d\d of floor, read \d+\.\d\d of floor, batch (\d+ bills\/s \(\d+\.\d\d|n\/a bills\/s \(n\/a) of storage floor\), preview (\d+|n\/a) households\/s$/;
