/**
 * `npm run --silent bench:gateway`: the gateway under load, each figure against a floor measured in
 * the same run (issue 15). On a fresh SQLite file, or with `--database mysql://…` in a fresh
 * `bench_<random>` database on that server (dropped afterwards): seeds 聊城 低保 beneficiaries with a
 * settled claim each through the services, starts the gateway as `npm start` does (in processes of
 * its own; `--workers N` passed through) and drives it over loopback with autocannon —
 *   (1) the floor, `{ __typename }`;
 *   (2) submit and settle new claims, one request per claim carrying both mutations;
 *   (3) read `claim { settlement { lines } }` of settled claims at random;
 * then (4) one `settleClaims` request of `--bills` bills where the gateway has that mutation,
 * (5) `previewRulePack` over every household, and, the gateway stopped, (6) the storage floor: the
 * same bills' rows stored raw (src/bench/gateway/storage.ts). Prints the machine, each phase, the
 * aims, and as its last line
 * `settle S of floor, read R of floor, batch B bills/s (P of storage floor), preview H households/s`
 * ("n/a" where a phase is not available). Any failed request fails the run (exit 1): a figure
 * measured on errors means nothing.
 *
 * `--federation` (SQLite) adds the federation's cost: the same reads and settlements through a
 * gateway spread over four processes and on the settlements subgraph directly, as ratios.
 *
 * Options: --seconds N (per phase, 20), --warmup N (seconds, 2), --connections N (10),
 * --rate N (open loop at N requests/s; default closed loop), --people N (2000), --bills N (10000),
 * --database mysql://…, --workers N, --federation,
 * --profile DIR (run the gateway under `node --cpu-prof` and print its hotspots per phase).
 */
import * as fs from "node:fs";
import { distFile } from "../bench/gateway/paths";
import { readOptions, type BenchOptions } from "../bench/gateway/options";
import { problemsOf, runPhase, type PhaseResult, type PhaseSettings } from "../bench/gateway/load";
import { floorWorkload, readWorkload, settleWorkload, type Workload } from "../bench/gateway/operations";
import { runBatch } from "../bench/gateway/batch";
import { runPreview } from "../bench/gateway/preview";
import { measureStorageFloor } from "../bench/gateway/storage";
import { scopedKey } from "../access/tenant-ids";
import { spawnGateway } from "../bench/gateway/process";
import { formatProfile, summariseProfile } from "../bench/gateway/profile";
import { describeAims, describePhase, describeSetup, summaryLine, type RunFigures } from "../bench/gateway/report";
import { BENCH_JURISDICTION, mysqlDatabase, seed, sqliteDatabase, type BenchDatabase, type Seeded } from "../bench/gateway/setup";
import { directSettings, federationLine, spawnFederation } from "../bench/gateway/federation";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a phase (after its warm-up) and stops the whole run on any failed request. */
async function measured(name: string, unit: string, settings: PhaseSettings, warmupSeconds: number, workload: Workload): Promise<PhaseResult> {
  if (warmupSeconds > 0) {
    const warmup = await runPhase(`${name} warm-up`, { ...settings, seconds: warmupSeconds }, workload);
    const problems = problemsOf(warmup, true);
    if (problems.length > 0) throw new Error(`${warmup.name} failed: ${problems.join("; ")}`);
  }
  const result = await runPhase(name, settings, workload);
  print(describePhase(result, unit));
  const problems = problemsOf(result);
  if (problems.length > 0) throw new Error(`${name} failed: ${problems.join("; ")}`);
  return result;
}

/** Everything measured against the gateway process(es): the floor, settle, read, batch and preview. */
async function gatewayPhases(database: BenchDatabase, seeded: Seeded, options: BenchOptions): Promise<{ phases: PhaseResult[]; batch: number | null; preview: number; profileFile: string | null }> {
  const workers = options.workers === null ? [] : ["--workers", String(options.workers)];
  const gateway = await spawnGateway(distFile("cli", "start.js"), database.url, options.profileDir, `gateway-${database.name}`, { args: workers, env: {}, ready: /Gateway: (http:\/\/\S+?)\/\s/ });
  const phases: PhaseResult[] = [];
  try {
    const settings: PhaseSettings = { url: gateway.url, key: seeded.key, seconds: options.seconds, connections: options.connections, rate: options.rate };
    phases.push(await measured(`${database.name} floor`, "answers", settings, options.warmupSeconds, floorWorkload()));
    const settle = await measured(`${database.name} settle`, "settlements", settings, options.warmupSeconds, settleWorkload(seeded.beneficiaryIds));
    phases.push(settle);
    // Reads spread over every settled claim: the seeded ones and those the settle phase made.
    phases.push(await measured(`${database.name} read`, "reads", settings, options.warmupSeconds, readWorkload([...seeded.claimIds, ...settle.claimIds])));
    const result = await runBatch(gateway.url, seeded.key, seeded.beneficiaryIds, options.bills);
    print(`${database.name} batch: ${result.bills} bills in one POST /api/settlement/batch in ${result.seconds.toFixed(2)} s: ${Math.round(result.billsPerSecond)} bills/s`);
    const batch = result.billsPerSecond;
    const preview = await runPreview(gateway.url, seeded.key);
    print(`${database.name} preview: previewRulePack over ${preview.households} households in ${preview.seconds.toFixed(2)} s: ${Math.round(preview.householdsPerSecond)} households/s`);
    return { phases, batch, preview: preview.householdsPerSecond, profileFile: gateway.profileFile };
  } finally {
    await gateway.stop();
  }
}

/** Seeds one database, measures the gateway's phases and the storage floor on it, and cleans up. */
async function benchDatabase(database: BenchDatabase, options: BenchOptions): Promise<RunFigures> {
  try {
    const started = Date.now();
    const seeded = await seed(database, options.people);
    print(`${database.name}: seeded ${options.people} beneficiaries with a settled claim each in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { phases, batch, preview, profileFile } = await gatewayPhases(database, seeded, options);
    // With the gateway stopped, so that the floor has the database to itself as the batch had.
    const storage = await measureStorageFloor(database, scopedKey(BENCH_JURISDICTION, seeded.claimIds[0]), options.bills);
    print(`${database.name} storage floor: ${storage.bills} bills (${storage.rows} rows) stored raw in ${storage.seconds.toFixed(2)} s: ${Math.round(storage.billsPerSecond)} bills/s`);
    // The profile is written when the gateway exits; it is cut to each measured phase. The windows
    // are kept beside it, for a closer look (e.g. in Chrome DevTools) at the same stretches.
    if (profileFile) {
      fs.writeFileSync(`${profileFile}.phases.json`, JSON.stringify(phases.map((phase) => ({ name: phase.name, ...phase.window })), null, 2));
      for (const phase of phases) for (const line of formatProfile(phase.name, summariseProfile(profileFile, phase.window))) print(line);
    }
    const [floor, settle, read] = phases;
    return { floor, settle, read, batchBillsPerSecond: batch, storageFloorBillsPerSecond: storage.billsPerSecond, previewHouseholdsPerSecond: preview };
  } finally {
    await database.drop();
  }
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv);
  for (const line of describeSetup(options)) print(line);
  const database = options.databaseUrl ? await mysqlDatabase(options.databaseUrl) : sqliteDatabase();
  const figures = await benchDatabase(database, options);
  print(describeAims(database.name, figures));
  if (options.federation) for (const line of await benchFederation(options)) print(line);
  print(summaryLine(figures));
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
