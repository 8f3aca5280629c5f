/**
 * The benchmark's printed lines. The summary line's shape is fixed by the issue:
 * `settle N/s p99 X ms; read M/s p99 Y ms`.
 */
import * as os from "node:os";
import type { BenchOptions } from "./options";
import type { PhaseResult } from "./load";

/** The aims for SQLite on the project's 2-core machine. */
export const AIMS = { settlePerSecond: 1000, readPerSecond: 3000, p99Ms: 50 };

/** The machine and the load shape, so that figures from different runs can be compared. */
export function describeSetup(options: BenchOptions): string[] {
  const cpus = os.cpus();
  const load = options.rate
    ? `overall rate ${options.rate} requests/s over ${options.connections} connections (open loop, autocannon overallRate)`
    : `${options.connections} connections, closed loop (each sends its next request when answered)`;
  return [
    `machine: ${cpus[0]?.model ?? "?"}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`,
    `load: autocannon over loopback, ${load}; ${options.seconds} s per phase after ${options.warmupSeconds} s of unmeasured warm-up; gateway in its own process, LOG_LEVEL=warn`,
    "settle phase: one POST per claim, submitClaim and settleClaim of a new claim in one document (aliases `submitted`, `settled`; GraphQL runs them in order); a settlement counts when the answer has both",
    `read phase: claim(id) { settlement { packId packVersion selfPay lines { tier amount ruleId clause figures } } } of settled claims at random`,
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

/** Whether one database's figures meet the aims, and by how much they miss. */
export function describeAims(database: string, settle: PhaseResult, read: PhaseResult): string {
  const misses: string[] = [];
  if (settle.okPerSecond < AIMS.settlePerSecond) misses.push(`settle ${Math.round(settle.okPerSecond)}/s < ${AIMS.settlePerSecond}/s`);
  if (read.okPerSecond < AIMS.readPerSecond) misses.push(`read ${Math.round(read.okPerSecond)}/s < ${AIMS.readPerSecond}/s`);
  for (const phase of [settle, read]) if (phase.p99 >= AIMS.p99Ms) misses.push(`${phase.name} p99 ${phase.p99} ms ≥ ${AIMS.p99Ms} ms`);
  const aims = `settle ≥ ${AIMS.settlePerSecond}/s, read ≥ ${AIMS.readPerSecond}/s, p99 < ${AIMS.p99Ms} ms`;
  return misses.length === 0 ? `${database}: aims (${aims}) met` : `${database}: aims (${aims}) not met: ${misses.join("; ")}`;
}

/** The summary line; other databases than SQLite are prefixed with their name. */
export function summaryLine(database: string, settle: PhaseResult, read: PhaseResult): string {
  const line = `settle ${Math.round(settle.okPerSecond)}/s p99 ${settle.p99} ms; read ${Math.round(read.okPerSecond)}/s p99 ${read.p99} ms`;
  return database === "sqlite" ? line : `${database}: ${line}`;
}
