/**
 * `npm run --silent jobs -- list [--json]` lists the jurisdiction-wide jobs of DATABASE_URL, newest
 * first; `npm run --silent jobs -- watch ID` follows one with a progress bar on stderr until it ends,
 * then prints its result as JSON on stdout (exit 0 when DONE, 1 when FAILED or CANCELLED, 2 when the
 * job or the database cannot be read). The gateway's runners do the work; this only reads.
 */
import "reflect-metadata";
import { ConfigError, readConfig } from "../lib/config";
import { openDatabase } from "../gateway/bootstrap";
import { JobEntity } from "../jobs/job.entity";
import { jobView } from "../jobs/job.resolver";
import type { DataSource } from "typeorm";

const USAGE = "usage: jobs list [--json] | jobs watch ID";
const BAR_WIDTH = 30;
const WATCH_INTERVAL_MS = 500;

/** One line of a progress bar: [#####.....] done/total percent, estimate of the time left. */
export function progressLine(job: Pick<JobEntity, "kind" | "status" | "doneHouseholds" | "totalHouseholds">, secondsLeft: number | null): string {
  const share = job.totalHouseholds === 0 ? 1 : Math.min(1, job.doneHouseholds / job.totalHouseholds);
  const filled = Math.round(share * BAR_WIDTH);
  const left = secondsLeft === null ? "" : `, ~${secondsLeft} s left`;
  return `${job.kind} [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${job.doneHouseholds}/${job.totalHouseholds} (${Math.floor(share * 100)}%) ${job.status}${left}`;
}

async function list(dataSource: DataSource, json: boolean): Promise<number> {
  const jobs = await dataSource.getRepository(JobEntity).find({ order: { createdAt: "DESC" }, take: 100 });
  if (json) {
    process.stdout.write(`${JSON.stringify(jobs.map(({ result: _result, ...job }) => job), null, 2)}\n`);
    return 0;
  }
  for (const job of jobs) {
    const what = job.kind === "PREVIEW" ? `${job.jurisdiction}@${job.packVersion}` : `${job.jurisdiction} ${job.year} ${job.scope}`;
    process.stdout.write(`${job.id}  ${job.status.padEnd(9)} ${job.kind.padEnd(12)} ${what.padEnd(24)} ${job.doneHouseholds}/${job.totalHouseholds}  ${job.createdAt}  by ${job.startedBy}  ${job.reason}\n`);
  }
  return 0;
}

async function watch(dataSource: DataSource, id: string): Promise<number> {
  const repository = dataSource.getRepository(JobEntity);
  for (;;) {
    const job = await repository.findOneBy({ id });
    if (!job) {
      process.stderr.write(`job ${id} not found\n`);
      return 2;
    }
    const view = jobView(job);
    process.stderr.write(`\r${progressLine(job, view.secondsLeft)}\x1b[K`);
    if (job.status === "DONE" || job.status === "FAILED" || job.status === "CANCELLED") {
      process.stderr.write("\n");
      process.stdout.write(`${JSON.stringify({ id: job.id, status: job.status, error: job.error, preview: view.preview, resettlement: view.resettlement }, null, 2)}\n`);
      return job.status === "DONE" ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, argument] = argv;
  if (command !== "list" && !(command === "watch" && argument)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = readConfig();
  const dataSource = await openDatabase(config.database);
  try {
    return command === "list" ? await list(dataSource, argv.includes("--json")) : await watch(dataSource, argument);
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
