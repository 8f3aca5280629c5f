/**
 * Measures jurisdiction-wide jobs: `node dist/src/bench/jobs-bench.js [--households N]
 * [--database mysql://…/server]`. Seeds N generated 聊城 households (src/bench/generator.ts, their
 * 2023 bills) through the services, publishes a version 2 (低保 assistance at 75%), then runs a
 * preview job and, after activating it, a re-settlement job of 2023 with one in-process runner.
 * Prints households per second for each, the event loop's worst delay while the job ran (what a
 * reader in the same process waits at most) and the heap's growth (a note, not a test).
 */
import "reflect-metadata";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openServices } from "../gateway/bootstrap";
import type { Services } from "../gateway/services";
import { createLogger } from "../lib/logger";
import { formatAmount } from "../lib/money";
import { isDomainError } from "../lib/errors";
import { projectPath } from "../lib/project";
import { Principal } from "../access/principal";
import { JobRunner } from "../jobs/job-runner";
import type { JobEntity } from "../jobs/job.entity";
import { generateClaims } from "./generator";
import { BENCH_PARAMETERS } from "./parameters";
import { mysqlDatabase, sqliteDatabase, type BenchDatabase } from "./gateway/setup";

const SYSTEM = Principal.system("bench");
const YEAR = 2023;

function option(argv: string[], name: string): string | null {
  const at = argv.indexOf(name);
  return at >= 0 ? (argv[at + 1] ?? null) : null;
}

/** Seeds generated households' bills of YEAR; returns how many households and bills were stored. */
async function seed(services: Services, households: number): Promise<{ households: number; bills: number }> {
  const pack = services.packs.packFor("liaocheng", `${YEAR}-06-30`).withParameters(BENCH_PARAMETERS.liaocheng);
  // The generator makes several years per person; enough claims that `households` people have bills in YEAR.
  const { claims } = generateClaims([pack], households * 20, 20_241_201);
  const seen = new Set<string>();
  let bills = 0;
  for (const { beneficiary, claim } of claims) {
    if (!claim.date.startsWith(`${YEAR}-`)) continue;
    if (!seen.has(beneficiary.id)) {
      if (seen.size >= households) break;
      seen.add(beneficiary.id);
      await services.beneficiaries.upsert(SYSTEM, { id: beneficiary.id, jurisdiction: "liaocheng", name: beneficiary.id, identities: beneficiary.identities, applications: beneficiary.applications });
    }
    const raw = {
      ...claim,
      fees: Object.fromEntries(Object.entries(claim.fees).filter(([key]) => key !== "policyScope").map(([key, value]) => [key, formatAmount(value)])),
      reported: Object.fromEntries(Object.entries(claim.reported).map(([tier, value]) => [tier, formatAmount(value!)])),
    };
    try {
      await services.claims.submit(SYSTEM, raw);
      await services.settlements.settleClaim(SYSTEM, claim.id);
      bills++;
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }
  return { households: seen.size, bills };
}

/** Runs a job to its end with one runner; returns what was measured. */
async function measure(services: Services, start: () => Promise<JobEntity>): Promise<{ job: JobEntity; seconds: number; worstDelayMs: number; heapGrowthMb: number }> {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const began = process.hrtime.bigint();
  const created = await start();
  delay.enable();
  const runner = new JobRunner(services.jobs, { chunkHouseholds: 50, leaseSeconds: 30, pollMillis: 10 });
  runner.start();
  let job = created;
  while (job.status === "QUEUED" || job.status === "RUNNING") {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = (await services.jobs.job(SYSTEM, created.id))!;
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await runner.stop();
  delay.disable();
  clearInterval(sampler);
  return { job, seconds, worstDelayMs: delay.max / 1e6, heapGrowthMb: (heapPeak - heapBefore) / 1e6 };
}

async function main(argv: string[]): Promise<void> {
  const households = Number(option(argv, "--households") ?? 2000);
  const server = option(argv, "--database");
  const database: BenchDatabase = server ? await mysqlDatabase(server) : sqliteDatabase();
  const scenarios = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-jobs-bench-"));
  const services = await openServices(database.config, createLogger("warn"), undefined, { scenariosDir: scenarios });
  try {
    // Version 2: the figures the texts leave unset, as the generated claims need them (BENCH_PARAMETERS).
    await publishVersion(services, 2, BENCH_PARAMETERS.liaocheng);
    await services.governance.activate(SYSTEM, "liaocheng", 2);
    const seeded = await seed(services, households);
    process.stdout.write(`${database.name}: ${seeded.households} households, ${seeded.bills} bills of ${YEAR} settled\n`);
    // Version 3, previewed then activated: the 低保 assistance ratio at 75%.
    await publishVersion(services, 3, { ...BENCH_PARAMETERS.liaocheng, assistanceDibaoRatio: "0.75" });
    const preview = await measure(services, () => services.jobs.startPreview(SYSTEM, "liaocheng", 3));
    process.stdout.write(line("preview", preview));
    await services.governance.activate(SYSTEM, "liaocheng", 3);
    const resettlement = await measure(services, () => services.jobs.startResettlement(SYSTEM, "liaocheng", YEAR));
    process.stdout.write(line("re-settlement", resettlement));
  } finally {
    services.packs.stopWatching();
    await services.dataSource.destroy();
    await database.drop();
    fs.rmSync(scenarios, { recursive: true, force: true });
  }
}

async function publishVersion(services: Services, version: number, values: Readonly<Record<string, string>>): Promise<void> {
  const document = JSON.parse(fs.readFileSync(projectPath("rules-json", "liaocheng.json"), "utf8"));
  document.version = version;
  for (const [id, value] of Object.entries(values)) document.parameters[id].value = value;
  await services.governance.publish(SYSTEM, document);
}

function line(what: string, m: { job: JobEntity; seconds: number; worstDelayMs: number; heapGrowthMb: number }): string {
  const rate = m.job.doneHouseholds / m.seconds;
  return `${what}: ${m.job.status}, ${m.job.doneHouseholds} households in ${m.seconds.toFixed(1)} s = ${rate.toFixed(0)} households/s; event loop worst delay ${m.worstDelayMs.toFixed(0)} ms; heap growth ${m.heapGrowthMb.toFixed(1)} MB\n`;
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
