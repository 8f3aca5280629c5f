/**
 * Jurisdiction-wide jobs (issue 15 item 3), on SQLite and (with TEST_MYSQL_URL) MariaDB, with the
 * real engine and gateway: 聊城 households — 低保, 低保边缘, 低保 orphans (whose assistance line is
 * provisional while the children's standard is unset) and ordinary insured — and a version 2 with
 * the 低保 ratio at 75% and the children's standard set.
 *
 * - a preview job ends with the same result as the synchronous previewRulePack, also when its first
 *   runner dies holding a chunk's lease and another runner takes the chunk once the lease expires;
 * - reads over HTTP answer while a preview job runs;
 * - cancel stops a job; partners may neither start nor cancel, and see no other jurisdiction's job;
 * - activating version 2 starts a 补差 re-settlement of the households with provisional lines;
 * - a re-settlement of the year run by a gateway process killed mid-way (SIGKILL) is resumed by a
 *   runner here and ends as an uninterrupted one would: every household once, the amounts the
 *   preview of the version in force predicted.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { projectPath } from "../src/lib/project";
import { Money, ZERO } from "../src/lib/money";
import { Principal } from "../src/access/principal";
import { JobRunner } from "../src/jobs/job-runner";
import { JobChunkEntity, JobEntity } from "../src/jobs/job.entity";
import type { JobRunnerConfig } from "../src/lib/config";
import type { Services } from "../src/gateway/services";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { distScript, runToEnd, startUntil } from "./support/processes";

const CHUNK = 7;
const RUNNER: JobRunnerConfig = { chunkHouseholds: CHUNK, leaseSeconds: 1, pollMillis: 50 };
const SYSTEM = Principal.system("test");

/** 聊城 version 2: 低保 assistance at 75%, the children's standard set (no deductible, 95%, cap 40,000). */
function liaochengV2(): any {
  const document = JSON.parse(fs.readFileSync(projectPath("rules-json", "liaocheng.json"), "utf8"));
  document.version = 2;
  document.parameters.assistanceDibaoRatio.value = "0.75";
  document.parameters.assistanceChildrenDeductible.value = "0.00";
  document.parameters.assistanceChildrenRatio.value = "0.95";
  document.parameters.assistanceChildrenCap.value = "40000.00";
  return document;
}

const CATEGORIES: Array<Array<{ category: string; from: string }>> = [
  [{ category: "DIBAO", from: "2023-01-01" }],
  [{ category: "NEAR_DIBAO", from: "2023-01-01" }],
  [
    { category: "ORPHAN", from: "2023-01-01" },
    { category: "DIBAO", from: "2023-01-01" },
  ],
  [],
];

/** `count` households with one or two settled 2023 bills each, through the services. */
async function seedHouseholds(services: Services, count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    const id = `JOB-${String(i).padStart(4, "0")}`;
    await services.beneficiaries.upsert(SYSTEM, { id, jurisdiction: "liaocheng", name: id, identities: CATEGORIES[i % CATEGORIES.length].map((c) => ({ ...c, to: null })) });
    const bills = i % 3 === 0 ? 2 : 1;
    for (let b = 0; b < bills; b++) {
      const total = 20000 + ((i * 37 + b * 11) % 50) * 400;
      await services.claims.submit(SYSTEM, { id: `${id}-${b}`, beneficiaryId: id, date: `2023-0${3 + b * 4}-10`, kind: "INPATIENT", fees: { total: `${total}.00` }, reported: { basic: `${Math.round(total * 0.25)}.00`, critical: "0.00" } });
      await services.settlements.settleClaim(SYSTEM, `${id}-${b}`);
    }
  }
  return Math.ceil((count * 4) / 3);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const PREVIEW_FIELDS = `packId version householdsExamined settlementsExamined settlementsChanged refusalCount
  tierChanges { tier before after difference } largest { beneficiaryId year selfPayChange tierChanges { tier before after difference } } refusals { claimId code message }`;
const JOB_FIELDS = `id kind status jurisdiction year packVersion scope reason startedBy totalHouseholds doneHouseholds secondsLeft cancelledBy
  preview { ${PREVIEW_FIELDS} } resettlement { households settlements settlementsChanged refusalCount refusals { beneficiaryId code } }`;

describe.each(testDatabases().map((db) => [db.name, db] as const))("jurisdiction-wide jobs on %s", (name, database) => {
  const households = name === "sqlite" ? 240 : 100;
  let t: TestGateway;
  let scenariosDir: string;
  let syncPreview: any;
  const runners: JobRunner[] = [];

  const jobOf = (id: string) => t.services.jobs.job(SYSTEM, id) as Promise<JobEntity>;
  const runner = () => {
    const started = new JobRunner(t.services.jobs, RUNNER);
    runners.push(started);
    return started;
  };
  const jobOverHttp = async (id: string, key = t.keys.admin) => (await gql(t.url, key, `query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id })).data!.job;

  beforeAll(async () => {
    // No stored scenarios: version 2 is published on its own figures (rule-governance.test checks publishing).
    scenariosDir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-job-scenarios-"));
    t = await startTestGateway(database, { scenariosDir, jobChunkHouseholds: CHUNK });
    await seedHouseholds(t.services, households);
    const published = await gql(t.url, t.keys.admin, `mutation ($document: JSONObject!) { publishRulePack(document: $document) { pack { version status } } }`, { document: liaochengV2() });
    expect(published.errors).toBeUndefined();
    syncPreview = (await gql(t.url, t.keys.admin, `{ previewRulePack(id: "liaocheng", version: 2) { ${PREVIEW_FIELDS} } }`)).data!.previewRulePack;
  }, 600_000);

  afterAll(async () => {
    for (const started of runners) await started.stop();
    await t?.stop();
    fs.rmSync(scenariosDir, { recursive: true, force: true });
  });

  it("runs a preview as a job to DONE, with the same result as previewRulePack", async () => {
    expect(syncPreview.householdsExamined).toBe(households);
    expect(syncPreview.settlementsChanged).toBeGreaterThan(0);
    expect(syncPreview.largest).toHaveLength(20);
    const started = await gql(t.url, t.keys.admin, `mutation { startPreviewJob(id: "liaocheng", version: 2) { ${JOB_FIELDS} } }`);
    expect(started.errors).toBeUndefined();
    const job = started.data!.startPreviewJob;
    expect(job).toMatchObject({ kind: "PREVIEW", status: "QUEUED", jurisdiction: "liaocheng", packVersion: 2, totalHouseholds: households, doneHouseholds: 0, preview: null });
    const running = runner();
    running.start();
    await waitFor(() => jobOf(job.id), (j) => j.status === "DONE");
    const done = await jobOverHttp(job.id);
    expect(done).toMatchObject({ status: "DONE", doneHouseholds: households, secondsLeft: null });
    expect(done.preview).toEqual(syncPreview);
    expect(running.chunksDone).toBe(Math.ceil(households / CHUNK));
    await running.stop();
    // The command line follows it too: a progress bar on stderr, the result on stdout.
    const watched = await runToEnd(distScript("jobs"), ["watch", job.id], { DATABASE_URL: t.databaseUrl });
    expect(watched.code).toBe(0);
    expect(watched.stderr).toContain(`PREVIEW [${"#".repeat(30)}] ${households}/${households} (100%) DONE`);
    expect(JSON.parse(watched.stdout).preview.settlementsChanged).toBe(syncPreview.settlementsChanged);
    const listed = await runToEnd(distScript("jobs"), ["list"], { DATABASE_URL: t.databaseUrl });
    expect(listed.stdout).toMatch(new RegExp(`${job.id}\\s+DONE\\s+PREVIEW\\s+liaocheng@2`));
  }, 300_000);

  it("resumes a preview whose runner died holding a chunk's lease, in another runner, with the same result", async () => {
    const job = await t.services.jobs.startPreview(SYSTEM, "liaocheng", 2);
    const dead = new JobRunner(t.services.jobs, RUNNER);
    // The first runner finishes two chunks, then takes a third and dies with it.
    for (let i = 0; i < 2; i++) {
      const taken = (await t.services.jobs.takeChunk(dead.owner, RUNNER.leaseSeconds))!;
      expect(await t.services.jobs.runChunk(taken, dead.owner, RUNNER.leaseSeconds, () => false)).toBeNull();
    }
    const held = (await t.services.jobs.takeChunk(dead.owner, RUNNER.leaseSeconds))!;
    expect((await jobOf(job.id)).doneHouseholds).toBe(2 * CHUNK);
    const other = runner();
    other.start();
    const done = await waitFor(() => jobOf(job.id), (j) => j.status === "DONE");
    expect(done.doneHouseholds).toBe(households);
    const retaken = await t.services.dataSource.manager.findOneByOrFail(JobChunkEntity, { jobId: job.id, chunkNo: held.chunk.chunkNo });
    expect(retaken).toMatchObject({ status: "DONE", attempts: 2, leaseOwner: other.owner });
    expect((await jobOverHttp(job.id)).preview).toEqual(syncPreview);
    // The dead runner's late answer is refused: its lease is gone.
    expect(await t.services.jobs.runChunk(held, dead.owner, RUNNER.leaseSeconds, () => false)).toBe("lease-lost");
    expect((await jobOf(job.id)).doneHouseholds).toBe(households);
    await other.stop();
  }, 300_000);

  it("answers reads over HTTP while a preview job runs", async () => {
    const job = await t.services.jobs.startPreview(SYSTEM, "liaocheng", 2);
    const running = runner();
    running.start();
    let answeredWhileRunning = 0;
    for (;;) {
      const health = await fetch(`${t.url}/healthz`);
      const read = await gql(t.url, t.keys.partner, `{ claim(id: "JOB-0001-0") { settlement { selfPay } } }`);
      const status = (await jobOf(job.id)).status;
      expect(health.status).toBe(200);
      expect(read.data!.claim.settlement.selfPay).toMatch(/^\d+\.\d\d$/);
      if (status === "DONE") break;
      if (status === "RUNNING") answeredWhileRunning++;
    }
    expect(answeredWhileRunning).toBeGreaterThan(0);
    await running.stop();
  }, 300_000);

  it("cancels a job: no chunk is taken after; only ADMIN starts or cancels, and a job is seen only in its jurisdiction", async () => {
    const job = await t.services.jobs.startPreview(SYSTEM, "liaocheng", 2);
    const one = new JobRunner(t.services.jobs, RUNNER);
    const taken = (await t.services.jobs.takeChunk(one.owner, RUNNER.leaseSeconds))!;
    await t.services.jobs.runChunk(taken, one.owner, RUNNER.leaseSeconds, () => false);
    const forbidden = await gql(t.url, t.keys.partner, `mutation ($id: ID!) { cancelJob(id: $id) { id } }`, { id: job.id });
    expect(forbidden.errors?.[0].extensions).toMatchObject({ code: "FORBIDDEN", field: "Authorization" });
    const cancelled = await gql(t.url, t.keys.admin, `mutation ($id: ID!) { cancelJob(id: $id) { status cancelledBy doneHouseholds } }`, { id: job.id });
    expect(cancelled.data!.cancelJob).toMatchObject({ status: "CANCELLED", doneHouseholds: CHUNK });
    expect(await one.runAvailable()).toBe(false);
    expect(await jobOf(job.id)).toMatchObject({ status: "CANCELLED", doneHouseholds: CHUNK, result: null });
    const again = await gql(t.url, t.keys.admin, `mutation ($id: ID!) { cancelJob(id: $id) { status } }`, { id: job.id });
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
    for (const [mutation, key] of [[`startPreviewJob(id: "liaocheng", version: 2)`, t.keys.partner], [`startResettlementJob(jurisdiction: "liaocheng", year: 2023)`, t.keys.partner], [`startResettlementJob(jurisdiction: "liaocheng", year: 2023)`, t.keys.charity]]) {
      const refused = await gql(t.url, key, `mutation { ${mutation} { id } }`);
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    const unknown = await gql(t.url, t.keys.admin, `mutation { startResettlementJob(jurisdiction: "atlantis", year: 2023) { id } }`);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: "UNKNOWN_PACK", field: "jurisdiction" });
    // 聊城's partner sees the job; 威海's does not, as if it did not exist.
    expect((await jobOverHttp(job.id, t.keys.partner)).status).toBe("CANCELLED");
    expect(await jobOverHttp(job.id, t.keys.otherPartner)).toBeNull();
    const listed = await gql(t.url, t.keys.otherPartner, `{ jobs { edges { node { id } } } }`);
    expect(listed.data!.jobs.edges).toEqual([]);
  }, 300_000);

  it("starts a 补差 re-settlement of the households with provisional lines when version 2 is activated", async () => {
    const orphans = Math.ceil((households - 2) / 4);
    const activated = await gql(t.url, t.keys.admin, `mutation { activateRulePack(id: "liaocheng", version: 2) { version status } }`);
    expect(activated.data!.activateRulePack).toEqual({ version: 2, status: "ACTIVE" });
    const listed = await gql(t.url, t.keys.admin, `{ jobs(kind: RESETTLEMENT) { edges { node { ${JOB_FIELDS} } } } }`);
    const [job] = listed.data!.jobs.edges.map((e: any) => e.node);
    expect(job).toMatchObject({ status: "QUEUED", year: 2023, scope: "PROVISIONAL", packVersion: 2, totalHouseholds: orphans });
    expect(job.reason).toMatch(/补差 after activation of liaocheng@2/);
    const running = runner();
    running.start();
    await waitFor(() => jobOf(job.id), (j) => j.status === "DONE");
    expect((await jobOverHttp(job.id)).resettlement).toMatchObject({ households: orphans, settlementsChanged: expect.any(Number), refusalCount: 0 });
    // The orphans' assistance now follows the children's standard (95%), and nothing is provisional any more.
    const claim = await gql(t.url, t.keys.admin, `{ claim(id: "JOB-0002-0") { settlement { packVersion cause lines { tier provisional } } } }`);
    expect(claim.data!.claim.settlement).toMatchObject({ packVersion: 2, cause: "RESETTLED" });
    expect(claim.data!.claim.settlement.lines.every((line: { provisional: boolean }) => !line.provisional)).toBe(true);
    await running.stop();
  }, 300_000);

  it("resumes a re-settlement whose gateway process was killed mid-way, ending as an uninterrupted one", async () => {
    // What the version in force will change, from here: the re-settlement must end exactly there.
    const expected = (await gql(t.url, t.keys.admin, `{ previewRulePack(id: "liaocheng", version: 2) { ${PREVIEW_FIELDS} } }`)).data!.previewRulePack;
    expect(expected.settlementsChanged).toBeGreaterThan(0);
    const manager = t.services.dataSource.manager;
    const countOf = async (sql: string) => Number((await manager.query(sql))[0].count);
    const rowsBefore = await countOf("SELECT COUNT(*) AS count FROM settlements");
    // A settlement under version 1 is superseded even where its amounts stay: it records the version.
    const underVersion1 = await countOf("SELECT COUNT(*) AS count FROM settlements WHERE status = 'CURRENT' AND pack_version = 1");
    const started = await gql(t.url, t.keys.admin, `mutation { startResettlementJob(jurisdiction: "liaocheng", year: 2023) { id totalHouseholds } }`);
    const job = started.data!.startResettlementJob;
    expect(job.totalHouseholds).toBe(households);
    const gateway = await startUntil(distScript("start"), [], { DATABASE_URL: t.databaseUrl, PORT: "0", LOG_LEVEL: "warn", JOB_LEASE_SECONDS: "1", JOB_POLL_MS: "50" }, /Gateway: (http:\/\/\S+?)\/ /);
    const child: ChildProcess = gateway.child;
    const atKill = await waitFor(() => jobOf(job.id), (j) => j.doneHouseholds >= 10);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const afterKill = await jobOf(job.id);
    expect(afterKill.status).toBe("RUNNING");
    expect(afterKill.doneHouseholds).toBeGreaterThanOrEqual(atKill.doneHouseholds);
    expect(afterKill.doneHouseholds).toBeLessThan(households);
    const here = runner();
    here.start();
    const done = await waitFor(() => jobOf(job.id), (j) => j.status === "DONE");
    await here.stop();
    expect(done.doneHouseholds).toBe(households);
    const result = (await jobOverHttp(job.id)).resettlement;
    expect(result).toEqual({ households, settlements: expected.settlementsExamined, settlementsChanged: underVersion1, refusalCount: 0, refusals: [] });
    // Each settlement under version 1 was superseded once; none is left.
    expect(await countOf("SELECT COUNT(*) AS count FROM settlements")).toBe(rowsBefore + underVersion1);
    expect(await countOf("SELECT COUNT(*) AS count FROM settlements WHERE status = 'CURRENT' AND pack_version = 1")).toBe(0);
    // The stored amounts are the preview's "after", tier by tier.
    const stored = new Map<string, Money>();
    for (const row of await manager.query("SELECT l.tier AS tier, l.amount AS amount FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id WHERE s.status = 'CURRENT' AND s.pack_id = 'liaocheng'")) stored.set(row.tier, (stored.get(row.tier) ?? ZERO).plus(new Money(row.amount)));
    for (const row of await manager.query("SELECT self_pay AS amount FROM settlements WHERE status = 'CURRENT' AND pack_id = 'liaocheng'")) stored.set("selfPay", (stored.get("selfPay") ?? ZERO).plus(new Money(row.amount)));
    for (const change of expected.tierChanges) expect(stored.get(change.tier)!.toFixed(2)).toBe(change.after);
    const nothingLeft = (await gql(t.url, t.keys.admin, `{ previewRulePack(id: "liaocheng", version: 2) { settlementsChanged } }`)).data!.previewRulePack;
    expect(nothingLeft.settlementsChanged).toBe(0);
  }, 600_000);
});
