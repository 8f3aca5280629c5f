/**
 * `npm run --silent bench:gateway`: starts the gateway (a separate process, so that the load
 * generator does not share its core) on SQLite, and on MariaDB too when TEST_MYSQL_URL is set, and
 * drives it over loopback with autocannon: (1) submit and settle new claims — one request carrying
 * both mutations, which GraphQL runs in order — and (2) reads of `claim { settlement { lines } }`.
 * Prints throughput and p50/p99 latency per phase; the last line is
 * `settle N/s p99 X ms; read M/s p99 Y ms` for SQLite.
 *
 * Options: --seconds N (per phase, default 20), --connections N (default 10), --people N (default 2000).
 */
import * as os from "node:os";
import { distFile } from "../bench/gateway/paths";
import { runPhase, type PhaseResult } from "../bench/gateway/load";
import { mysqlDatabase, seed, sqliteDatabase, type BenchDatabase } from "../bench/gateway/setup";
import { spawnGateway } from "../bench/gateway/process";

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
}

const SETTLE = "mutation ($claim: ClaimInput!, $id: ID!) { submitted: submitClaim(input: $claim) { id } settled: settleClaim(id: $id) { packVersion selfPay } }";
const READ = "query ($id: ID!) { claim(id: $id) { settlement { packId packVersion selfPay lines { tier amount ruleId clause figures } } } }";

async function benchOne(database: BenchDatabase, seconds: number, connections: number, people: number): Promise<PhaseResult[]> {
  process.stdout.write(`${database.name}: seeding ${people} beneficiaries with a settled claim each…\n`);
  const seeded = await seed(database, people);
  const gateway = await spawnGateway(distFile("cli", "start.js"), database.url);
  try {
    let counter = 0;
    const run = Date.now().toString(36);
    const settle = await runPhase(`${database.name} settle`, gateway.url, seeded.key, seconds, connections, () => {
      counter++;
      const beneficiaryId = seeded.beneficiaryIds[counter % seeded.beneficiaryIds.length];
      const id = `${beneficiaryId}-${run}-${counter}`;
      return JSON.stringify({ query: SETTLE, variables: { id, claim: { id, beneficiaryId, date: "2023-06-01", kind: "INPATIENT", fees: { total: "1200.00" }, reported: { basic: "400.00", critical: "0.00" } } } });
    });
    let reads = 0;
    const read = await runPhase(`${database.name} read`, gateway.url, seeded.key, seconds, connections, () => {
      reads = (reads * 7919 + 13) % seeded.claimIds.length;
      return JSON.stringify({ query: READ, variables: { id: seeded.claimIds[reads] } });
    });
    return [settle, read];
  } finally {
    await gateway.stop();
    await database.drop();
  }
}

function report(result: PhaseResult): void {
  process.stdout.write(
    `${result.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.requests} requests, non-2xx ${result.non2xx}, GraphQL errors ${result.graphqlErrors}\n`,
  );
  if (result.firstError) process.stdout.write(`  first error: ${result.firstError}\n`);
}

async function main(argv: string[]): Promise<number> {
  const seconds = option(argv, "seconds", 20);
  const connections = option(argv, "connections", 10);
  const people = option(argv, "people", 2000);
  process.stdout.write(`machine: ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} logical cpus), node ${process.version}; ${seconds} s per phase, ${connections} connections\n`);
  const lines: string[] = [];
  let failed = false;
  const databases: Array<() => Promise<BenchDatabase>> = [];
  if (process.env.TEST_MYSQL_URL) databases.push(() => mysqlDatabase(process.env.TEST_MYSQL_URL!));
  databases.push(async () => sqliteDatabase());
  for (const open of databases) {
    const database = await open();
    const [settle, read] = await benchOne(database, seconds, connections, people);
    report(settle);
    report(read);
    failed ||= settle.non2xx + settle.graphqlErrors + read.non2xx + read.graphqlErrors > 0;
    const line = `settle ${Math.round(settle.requestsPerSecond)}/s p99 ${settle.p99} ms; read ${Math.round(read.requestsPerSecond)}/s p99 ${read.p99} ms`;
    lines.push(database.name === "sqlite" ? line : `${database.name}: ${line}`);
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
