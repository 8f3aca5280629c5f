/**
 * `npm run --silent bench:gateway`: the gateway under load. For SQLite (a fresh temporary file),
 * and for MariaDB too when TEST_MYSQL_URL is set (a fresh `bench_<random>` database, dropped
 * afterwards): seeds 2,000 聊城 低保 beneficiaries through the services, starts the gateway in a
 * process of its own and drives it over loopback with autocannon —
 *   (1) submit and settle new claims, one request per claim carrying both mutations;
 *   (2) read `claim { settlement { lines } }` of settled claims at random.
 * Prints the machine, per phase throughput, p50/p99 latency and failures, and as its last line
 * `settle N/s p99 X ms; read M/s p99 Y ms` for SQLite (a `mariadb:` line before it). Any failed
 * request fails the run (exit 1): a figure measured on errors means nothing.
 *
 * Then, on SQLite, the federation's cost: the same reads and settlements through a gateway spread
 * over four processes and on the settlements subgraph directly, as `federation read|settle` lines
 * with their ratio (the aim: reads through the gateway ≥ 0.6 of direct).
 *
 * Options: --seconds N (per phase, 20), --warmup N (seconds, 2), --connections N (10),
 * --rate N (open loop at N requests/s; default closed loop), --people N (2000),
 * --profile DIR (run the gateway under `node --cpu-prof` and print its hotspots per phase).
 */
import * as fs from "node:fs";
import { distFile } from "../bench/gateway/paths";
import { readOptions, type BenchOptions } from "../bench/gateway/options";
import { problemsOf, runPhase, type PhaseResult, type PhaseSettings } from "../bench/gateway/load";
import { readWorkload, settleWorkload, type Workload } from "../bench/gateway/operations";
import { spawnGateway } from "../bench/gateway/process";
import { formatProfile, summariseProfile } from "../bench/gateway/profile";
import { describeAims, describePhase, describeSetup, summaryLine } from "../bench/gateway/report";
import { mysqlDatabase, seed, sqliteDatabase, type BenchDatabase } from "../bench/gateway/setup";
import { directSettings, federationLine, spawnFederation } from "../bench/gateway/federation";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a phase (after its warm-up) and stops the whole run on any failed request. */
async function measured(name: string, unit: string, settings: PhaseSettings, warmupSeconds: number, workload: Workload): Promise<PhaseResult> {
  if (warmupSeconds > 0) {
    const warmup = await runPhase(`${name} warm-up`, { ...settings, seconds: warmupSeconds }, workload);
    const problems = problemsOf(warmup);
    if (problems.length > 0) throw new Error(`${warmup.name} failed: ${problems.join("; ")}`);
  }
  const result = await runPhase(name, settings, workload);
  print(describePhase(result, unit));
  const problems = problemsOf(result);
  if (problems.length > 0) throw new Error(`${name} failed: ${problems.join("; ")}`);
  return result;
}

/** Seeds one database, runs both phases against a gateway process on it, and cleans up. */
async function benchDatabase(database: BenchDatabase, options: BenchOptions): Promise<{ settle: PhaseResult; read: PhaseResult }> {
  let phases: PhaseResult[] = [];
  let profileFile: string | null = null;
  try {
    const started = Date.now();
    const seeded = await seed(database, options.people);
    print(`${database.name}: seeded ${options.people} beneficiaries with a settled claim each in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const gateway = await spawnGateway(distFile("cli", "start.js"), database.url, options.profileDir, `gateway-${database.name}`);
    profileFile = gateway.profileFile;
    try {
      const settings: PhaseSettings = { url: gateway.url, key: seeded.key, seconds: options.seconds, connections: options.connections, rate: options.rate };
      const settle = await measured(`${database.name} settle`, "settlements", settings, options.warmupSeconds, settleWorkload(seeded.beneficiaryIds));
      phases = [settle];
      // Reads spread over every settled claim: the seeded ones and those the settle phase made.
      const read = await measured(`${database.name} read`, "reads", settings, options.warmupSeconds, readWorkload([...seeded.claimIds, ...settle.claimIds]));
      phases = [settle, read];
    } finally {
      await gateway.stop();
    }
  } finally {
    await database.drop();
  }
  // The profile is written when the gateway exits; it is cut to each measured phase. The windows
  // are kept beside it, for a closer look (e.g. in Chrome DevTools) at the same stretches.
  if (profileFile) {
    fs.writeFileSync(`${profileFile}.phases.json`, JSON.stringify(phases.map((phase) => ({ name: phase.name, ...phase.window })), null, 2));
    for (const phase of phases) for (const line of formatProfile(phase.name, summariseProfile(profileFile, phase.window))) print(line);
  }
  return { settle: phases[0], read: phases[1] };
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv);
  for (const line of describeSetup(options)) print(line);
  // MariaDB first, so that SQLite's summary line is the last one printed.
  const databases: Array<() => Promise<BenchDatabase>> = [];
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  if (mysqlUrl) databases.push(() => mysqlDatabase(mysqlUrl));
  databases.push(async () => sqliteDatabase());
  const summaries: string[] = [];
  for (const open of databases) {
    const database = await open();
    const { settle, read } = await benchDatabase(database, options);
    print(describeAims(database.name, settle, read));
    summaries.push(summaryLine(database.name, settle, read));
  }
  for (const line of await benchFederation(options)) print(line);
  for (const line of summaries) print(line);
}

/** The federation's cost on SQLite: through the spread-out gateway against the settlements subgraph directly. */
async function benchFederation(options: BenchOptions): Promise<string[]> {
  const database = sqliteDatabase();
  try {
    const seeded = await seed(database, options.people);
    const federation = await spawnFederation(database.config.location);
    try {
      const settings: PhaseSettings = { url: federation.gateway.url, key: seeded.key, seconds: options.seconds, connections: options.connections, rate: options.rate };
      const reads = readWorkload(seeded.claimIds);
      const readThrough = await measured("federation read through the gateway", "reads", settings, options.warmupSeconds, reads);
      const readDirect = await measured("federation read on the subgraph", "reads", directSettings(settings, federation), options.warmupSeconds, reads);
      const settleThrough = await measured("federation settle through the gateway", "settlements", settings, options.warmupSeconds, settleWorkload(seeded.beneficiaryIds));
      const settleDirect = await measured("federation settle on the subgraph", "settlements", directSettings(settings, federation), options.warmupSeconds, settleWorkload(seeded.beneficiaryIds));
      return [federationLine("read", readThrough, readDirect), federationLine("settle", settleThrough, settleDirect)];
    } finally {
      await federation.stop();
    }
  } finally {
    await database.drop();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:gateway FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
