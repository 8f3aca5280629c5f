/**
 * Jurisdiction-wide jobs stored in the database (issue 15 item 3): a rule pack preview and a
 * re-settlement of a jurisdiction's year. A job is cut, when it starts, into chunks of households
 * by key range. Any instance's runner takes a free chunk, or one whose lease expired (its runner
 * died), with a guarded UPDATE, runs it in short transactions and stores the chunk's part of the
 * result; the last chunk merges the parts. So a job survives its runner, several instances share
 * its chunks, and a reader never waits long behind it.
 */
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound } from "../lib/errors";
import { nowIso, type TransactionRunner } from "../lib/db";
import { yieldToEventLoop } from "../lib/event-loop";
import { DEFAULT_JOB_CONFIG, type JobRunnerConfig } from "../lib/config";
import { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { partnerId } from "../access/tenant-ids";
import type { HouseholdUnits } from "../settlement/settlement.repository";
import type { SettlementService } from "../settlement/settlement.service";
import type { RuleGovernanceService } from "../rules/rule-governance.service";
import type { RulePackService } from "../rules/rule-pack.service";
import { emptyPart, mergePart, partFromJson, partToJson, previewOf } from "../rules/preview-part";
import { JobChunkEntity, JobEntity, LIVE_JOB_STATUSES, type JobKind, type JobScope, type JobStatus } from "./job.entity";
import { emptyResettlement, mergeResettlement, withHousehold, withRefusal, type ResettlementPart } from "./resettlement-part";

/** A chunk a runner holds the lease of. */
export interface TakenChunk {
  job: JobEntity;
  chunk: JobChunkEntity;
}

/** Why a runner stops a chunk before its end. */
export type ChunkStop = "abandoned" | "lease-lost" | "job-stopped";

/** The households of a re-settlement read per query within a chunk. */
const RESETTLEMENT_PAGE = 50;
/** Chunk rows inserted per statement when a job is cut. */
const CHUNK_INSERT_BATCH = 100;
/** Chunk results read per query when the parts are merged. */
const MERGE_PAGE = 100;

/** Thrown inside a household's transaction to roll it back when the runner may not go on. */
class ChunkStopped extends Error {
  constructor(readonly reason: ChunkStop) {
    super(reason);
  }
}

export interface JobFilter {
  jurisdiction?: string | null;
  kind?: JobKind | null;
  status?: JobStatus | null;
}

export class JobService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly governance: RuleGovernanceService,
    private readonly settlements: SettlementService,
    private readonly audit: AuditService,
    private readonly config: Pick<JobRunnerConfig, "chunkHouseholds"> = DEFAULT_JOB_CONFIG,
  ) {}

  /** Starts a preview of a published version over its jurisdiction's stored settlements (ADMIN). */
  async startPreview(principal: Principal, packId: string, version: number): Promise<JobEntity> {
    principal.requireRole("ADMIN");
    const draft = await this.governance.draftOf(packId, version);
    return this.create(principal, { kind: "PREVIEW", jurisdiction: packId, year: null, packVersion: version, scope: "ALL", reason: `preview of ${packId}@${version}` }, (manager, after, limit) =>
      this.governance.previewHouseholds(manager, draft, after, limit),
    );
  }

  /**
   * Starts the re-settlement of a jurisdiction's year under the versions in force (ADMIN): every
   * household with a current settlement in the year, or (PROVISIONAL) those with a provisional line.
   */
  async startResettlement(principal: Principal, jurisdiction: string, year: number, scope: JobScope = "ALL", reason?: string, packVersion: number | null = null): Promise<JobEntity> {
    principal.requireRole("ADMIN");
    if (!this.packs.jurisdictions().includes(jurisdiction)) throw new DomainError("UNKNOWN_PACK", "jurisdiction", `jurisdiction: 未知辖区 ${jurisdiction} / unknown jurisdiction`);
    if (!Number.isInteger(year) || year < 1900 || year > 9999) throw new DomainError("INVALID_INPUT", "year", `year: 不是有效年份 / not a year: ${year}`);
    const provisionalOnly = scope === "PROVISIONAL";
    return this.create(principal, { kind: "RESETTLEMENT", jurisdiction, year, packVersion, scope, reason: reason ?? `re-settlement of ${jurisdiction} ${year} by ${principal.keyId}` }, async (manager, after, limit) =>
      (await this.settlements.repository.householdsOfYear(manager, jurisdiction, year, provisionalOnly, { after, last: null }, limit)).map((beneficiaryId) => ({ beneficiaryId, units: 1 })),
    );
  }

  /**
   * Issue 13's automatic 补差: once a version is active, the years of its jurisdiction with
   * provisional lines are re-settled — only the households with such a line, since those lines are
   * the ones waiting for a figure; settlements without one keep their version (DESIGN.md, Hot swap).
   */
  async startProvisionalResettlements(principal: Principal, packId: string, version: number): Promise<JobEntity[]> {
    const years = await this.settlements.repository.yearsWithProvisionalLines(this.dataSource.manager, packId);
    const started: JobEntity[] = [];
    for (const year of years) started.push(await this.startResettlement(principal, packId, year, "PROVISIONAL", `补差 after activation of ${packId}@${version}: households with provisional lines`, version));
    return started;
  }

  /**
   * Stores the job and its chunks in one transaction, reading the households page by page: memory
   * holds a page, never the jurisdiction. A job with no household is DONE at once.
   */
  private async create(principal: Principal, fields: Pick<JobEntity, "kind" | "jurisdiction" | "year" | "packVersion" | "scope" | "reason">, households: (manager: EntityManager, after: string | null, limit: number) => Promise<HouseholdUnits[]>): Promise<JobEntity> {
    const id = randomUUID();
    const now = nowIso();
    await this.transactions.run(async (manager) => {
      const job: JobEntity = { id, ...fields, status: "QUEUED", startedBy: principal.keyId, totalHouseholds: 0, doneHouseholds: 0, createdAt: now, startedAt: null, finishedAt: null, cancelledBy: null, error: null, result: null };
      await manager.insert(JobEntity, job);
      let total = 0;
      let chunkNo = 0;
      let batch: JobChunkEntity[] = [];
      for (let after: string | null = null; ; ) {
        const page = await households(manager, after, this.config.chunkHouseholds);
        if (page.length === 0) break;
        const units = page.reduce((sum, household) => sum + household.units, 0);
        total += units;
        batch.push(chunkRow(id, chunkNo++, page, units));
        if (batch.length >= CHUNK_INSERT_BATCH) {
          await manager.insert(JobChunkEntity, batch);
          batch = [];
        }
        after = page[page.length - 1].beneficiaryId;
      }
      if (batch.length > 0) await manager.insert(JobChunkEntity, batch);
      const empty = chunkNo === 0;
      await manager.update(JobEntity, { id }, { totalHouseholds: total, ...(empty ? { status: "DONE" as const, startedAt: now, finishedAt: now, result: emptyResult(fields.kind) } : {}) });
      await this.audit.record(manager, principal.keyId, "job.start", "job", id, { kind: fields.kind, jurisdiction: fields.jurisdiction, year: fields.year, packVersion: fields.packVersion, scope: fields.scope, reason: fields.reason, households: total, chunks: chunkNo });
    });
    return (await this.dataSource.manager.findOneBy(JobEntity, { id }))!;
  }

  /** Cancels a queued or running job (ADMIN): no chunk is taken after, a running one stops at its next household. */
  async cancel(principal: Principal, id: string): Promise<JobEntity> {
    principal.requireRole("ADMIN");
    const job = await this.visibleJob(principal, id);
    if (!LIVE_JOB_STATUSES.includes(job.status)) throw new DomainError("CONFLICT", "id", `id: 任务已结束 (${job.status}) / the job has ended (${job.status}) and cannot be cancelled`);
    await this.transactions.run(async (manager) => {
      const result = await manager.createQueryBuilder().update(JobEntity).set({ status: "CANCELLED", cancelledBy: principal.keyId, finishedAt: nowIso() }).where("id = :id AND status IN (:...live)", { id, live: LIVE_JOB_STATUSES }).execute();
      if (result.affected !== 1) throw new DomainError("CONFLICT", "id", "id: 任务已结束 / the job ended meanwhile");
      await this.audit.record(manager, principal.keyId, "job.cancel", "job", id, { kind: job.kind, jurisdiction: job.jurisdiction });
    });
    return (await this.dataSource.manager.findOneBy(JobEntity, { id }))!;
  }

  /** A job the caller may see (its jurisdiction), or null: another jurisdiction's job is answered as a missing one. */
  async job(principal: Principal, id: string): Promise<JobEntity | null> {
    const job = await this.dataSource.manager.findOneBy(JobEntity, { id });
    return job && principal.canSee(job.jurisdiction) ? job : null;
  }

  private async visibleJob(principal: Principal, id: string): Promise<JobEntity> {
    const job = await this.job(principal, id);
    if (!job) throw notFound("job", id);
    return job;
  }

  /** Jobs the caller may see, newest first, `limit + 1` rows after the cursor key (`createdAt|id`). */
  async list(principal: Principal, filter: JobFilter, limit: number, afterKey?: string): Promise<JobEntity[]> {
    const jurisdictions = principal.listedJurisdictions(filter.jurisdiction);
    if (jurisdictions !== null && jurisdictions.length === 0) return [];
    const builder = this.dataSource.manager.createQueryBuilder(JobEntity, "j").orderBy("j.created_at", "DESC").addOrderBy("j.id", "DESC").take(limit + 1);
    if (jurisdictions !== null) builder.andWhere("j.jurisdiction IN (:...jurisdictions)", { jurisdictions });
    if (filter.kind) builder.andWhere("j.kind = :kind", { kind: filter.kind });
    if (filter.status) builder.andWhere("j.status = :status", { status: filter.status });
    if (afterKey) {
      const [createdAt, id] = splitKey(afterKey);
      builder.andWhere("(j.created_at < :createdAt OR (j.created_at = :createdAt AND j.id < :id))", { createdAt, id });
    }
    return builder.getMany();
  }

  /**
   * Takes a chunk for `owner`: a pending one, or one whose lease expired, of a live job, oldest job
   * first. The UPDATE is guarded by the state it was read in, so of two instances only one gets it.
   */
  async takeChunk(owner: string, leaseSeconds: number): Promise<TakenChunk | null> {
    const now = nowIso();
    const candidates = await this.dataSource.manager
      .createQueryBuilder(JobChunkEntity, "c")
      .innerJoin(JobEntity, "j", "j.id = c.job_id")
      .select(["c.job_id AS jobId", "c.chunk_no AS chunkNo"])
      .where("j.status IN (:...live)", { live: LIVE_JOB_STATUSES })
      .andWhere("(c.status = 'PENDING' OR (c.status = 'RUNNING' AND c.lease_expires_at < :now))", { now })
      .orderBy("j.created_at")
      .addOrderBy("c.chunk_no")
      .limit(4)
      .getRawMany<{ jobId: string; chunkNo: number | string }>();
    for (const candidate of candidates) {
      const key = { jobId: candidate.jobId, chunkNo: Number(candidate.chunkNo) };
      const taken = await this.transactions.run(async (manager) => {
        const result = await manager
          .createQueryBuilder()
          .update(JobChunkEntity)
          .set({ status: "RUNNING", leaseOwner: owner, leaseExpiresAt: leaseEnd(leaseSeconds), attempts: () => "attempts + 1" })
          .where("job_id = :jobId AND chunk_no = :chunkNo", key)
          .andWhere("(status = 'PENDING' OR (status = 'RUNNING' AND lease_expires_at < :now))", { now })
          .execute();
        if (result.affected !== 1) return false;
        await manager.createQueryBuilder().update(JobEntity).set({ status: "RUNNING", startedAt: now }).where("id = :id AND status = 'QUEUED'", { id: key.jobId }).execute();
        return true;
      });
      if (!taken) continue;
      const job = await this.dataSource.manager.findOneBy(JobEntity, { id: key.jobId });
      const chunk = await this.dataSource.manager.findOneBy(JobChunkEntity, key);
      if (job && chunk) return { job, chunk };
    }
    return null;
  }

  /**
   * Runs a taken chunk to its end and stores its part, then finishes the job when it was the last.
   * `stopping` is asked between households: a runner stopped (or abandoned, as a crash) leaves the
   * chunk leased, and another instance takes it once the lease expires. Returns why it stopped early.
   */
  async runChunk(taken: TakenChunk, owner: string, leaseSeconds: number, stopping: () => boolean): Promise<ChunkStop | null> {
    const { job, chunk } = taken;
    // An activation's version reaches this instance now, not at its next refresh.
    await this.packs.refresh();
    const stop = job.kind === "PREVIEW" ? await this.runPreviewChunk(job, chunk, owner, stopping) : await this.runResettlementChunk(job, chunk, owner, leaseSeconds, stopping);
    if (stop === null) await this.finishIfComplete(job.id);
    return stop;
  }

  /** A preview chunk: one read-only pass (it writes nothing, so a chunk taken again gives the same part). */
  private async runPreviewChunk(job: JobEntity, chunk: JobChunkEntity, owner: string, stopping: () => boolean): Promise<ChunkStop | null> {
    const draft = await this.governance.draftOf(job.jurisdiction, job.packVersion!);
    const part = await this.governance.previewChunk(Principal.system(job.startedBy), draft, chunk.firstHousehold, chunk.lastHousehold);
    if (stopping()) return "abandoned";
    const stored = await this.transactions.run(async (manager) => {
      const result = await ownChunk(manager, chunk, owner).set({ status: "DONE", result: partToJson(part), doneHouseholds: part.householdsExamined, leaseExpiresAt: null }).execute();
      if (result.affected !== 1) return false;
      await addProgress(manager, job.id, part.householdsExamined);
      return true;
    });
    return stored ? null : "lease-lost";
  }

  /**
   * A re-settlement chunk: each household in its own transaction with the chunk's cursor, part and
   * lease, so a household is re-settled and counted exactly once however often the chunk is taken.
   */
  private async runResettlementChunk(job: JobEntity, chunk: JobChunkEntity, owner: string, leaseSeconds: number, stopping: () => boolean): Promise<ChunkStop | null> {
    const principal = Principal.system(job.startedBy);
    const provisionalOnly = job.scope === "PROVISIONAL";
    let part: ResettlementPart = chunk.result ? JSON.parse(chunk.result) : emptyResettlement();
    let cursor = chunk.cursorHousehold;
    for (;;) {
      const page = await this.settlements.repository.householdsOfYear(this.dataSource.manager, job.jurisdiction, job.year!, provisionalOnly, { from: chunk.firstHousehold, after: cursor, last: chunk.lastHousehold }, RESETTLEMENT_PAGE);
      if (page.length === 0) break;
      for (const beneficiaryId of page) {
        if (stopping()) return "abandoned";
        try {
          part = await this.resettleOne(job, chunk, owner, leaseSeconds, principal, beneficiaryId, part);
        } catch (error) {
          if (error instanceof ChunkStopped) return error.reason;
          throw error;
        }
        cursor = beneficiaryId;
        await yieldToEventLoop();
      }
    }
    const done = await this.transactions.run(async (manager) => (await ownChunk(manager, chunk, owner).set({ status: "DONE", leaseExpiresAt: null }).execute()).affected === 1);
    return done ? null : "lease-lost";
  }

  /** One household re-settled (or its refusal recorded) with the chunk's progress, in one transaction. */
  private async resettleOne(job: JobEntity, chunk: JobChunkEntity, owner: string, leaseSeconds: number, principal: Principal, beneficiaryId: string, part: ResettlementPart): Promise<ResettlementPart> {
    const cause = `${job.reason} (job ${job.id})`.slice(0, 120);
    const progress = async (manager: EntityManager, next: ResettlementPart) => {
      const status = (await manager.findOne(JobEntity, { select: { status: true }, where: { id: job.id } }))?.status;
      if (status !== "RUNNING") throw new ChunkStopped("job-stopped");
      const result = await ownChunk(manager, chunk, owner).set({ cursorHousehold: beneficiaryId, doneHouseholds: () => "done_households + 1", result: JSON.stringify(next), leaseExpiresAt: leaseEnd(leaseSeconds) }).execute();
      if (result.affected !== 1) throw new ChunkStopped("lease-lost");
      await addProgress(manager, job.id, 1);
      return next;
    };
    try {
      return await this.transactions.run(async (manager) => progress(manager, withHousehold(part, await this.settlements.resettleHousehold(manager, principal, beneficiaryId, job.year!, cause))));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Refused (e.g. a figure still unset): nothing of the household is written; the refusal is counted.
      return this.transactions.run((manager) => progress(manager, withRefusal(part, { beneficiaryId: partnerId(beneficiaryId), code: error.code, message: error.message })));
    }
  }

  /** Merges the chunks' parts into the job's result once every chunk is done; of two finishers one writes it. */
  async finishIfComplete(jobId: string): Promise<void> {
    const manager = this.dataSource.manager;
    const open = await manager.createQueryBuilder(JobChunkEntity, "c").where("c.job_id = :jobId AND c.status <> 'DONE'", { jobId }).getCount();
    if (open > 0) return;
    const job = await manager.findOneBy(JobEntity, { id: jobId });
    if (!job || job.status !== "RUNNING") return;
    const result = await this.mergedResult(job);
    await this.transactions.run(async (m) => {
      const finished = await m.createQueryBuilder().update(JobEntity).set({ status: "DONE", result, finishedAt: nowIso() }).where("id = :id AND status = 'RUNNING'", { id: jobId }).execute();
      // Only the finisher that moved the job to DONE records the preview, with the same commit.
      if (finished.affected === 1 && job.kind === "PREVIEW") await this.governance.recordPreview(job.startedBy, previewOf(job.jurisdiction, job.packVersion!, partFromJson(result)), m);
    });
  }

  /** Finishes jobs whose last chunk was stored by a runner that died before merging. */
  async finishOrphans(): Promise<void> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(JobEntity, "j")
      .select("j.id", "id")
      .where("j.status = 'RUNNING'")
      .andWhere("NOT EXISTS (SELECT 1 FROM job_chunks c WHERE c.job_id = j.id AND c.status <> 'DONE')")
      .getRawMany<{ id: string }>();
    for (const { id } of rows) await this.finishIfComplete(id);
  }

  /** Marks a job FAILED (a fault, not a refusal: those are counted in its result). */
  async fail(jobId: string, error: unknown): Promise<void> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await this.transactions.run((m) => m.createQueryBuilder().update(JobEntity).set({ status: "FAILED", error: message, finishedAt: nowIso() }).where("id = :id AND status IN (:...live)", { id: jobId, live: LIVE_JOB_STATUSES }).execute());
  }

  /** The chunks' parts merged, page by page, as the job's result JSON. */
  private async mergedResult(job: JobEntity): Promise<string> {
    const preview = emptyPart();
    let resettlement = emptyResettlement();
    for (let from = 0; ; from += MERGE_PAGE) {
      const chunks = await this.dataSource.manager.find(JobChunkEntity, { select: { chunkNo: true, result: true }, where: { jobId: job.id }, order: { chunkNo: "ASC" }, skip: from, take: MERGE_PAGE });
      if (chunks.length === 0) break;
      for (const { result } of chunks) {
        if (!result) continue;
        if (job.kind === "PREVIEW") mergePart(preview, partFromJson(result));
        else resettlement = mergeResettlement(resettlement, JSON.parse(result));
      }
    }
    return job.kind === "PREVIEW" ? partToJson(preview) : JSON.stringify(resettlement);
  }
}

function chunkRow(jobId: string, chunkNo: number, page: HouseholdUnits[], units: number): JobChunkEntity {
  return { jobId, chunkNo, firstHousehold: page[0].beneficiaryId, lastHousehold: page[page.length - 1].beneficiaryId, households: units, status: "PENDING", leaseOwner: null, leaseExpiresAt: null, attempts: 0, cursorHousehold: null, doneHouseholds: 0, result: null };
}

function emptyResult(kind: JobKind): string {
  return kind === "PREVIEW" ? partToJson(emptyPart()) : JSON.stringify(emptyResettlement());
}

/** An UPDATE of a chunk that only applies while `owner` still holds its lease. */
function ownChunk(manager: EntityManager, chunk: JobChunkEntity, owner: string) {
  const builder = manager.createQueryBuilder().update(JobChunkEntity);
  return {
    set: (values: Parameters<typeof builder.set>[0]) =>
      builder.set(values).where("job_id = :jobId AND chunk_no = :chunkNo AND lease_owner = :owner AND status = 'RUNNING'", { jobId: chunk.jobId, chunkNo: chunk.chunkNo, owner }),
  };
}

function addProgress(manager: EntityManager, jobId: string, households: number) {
  return manager.createQueryBuilder().update(JobEntity).set({ doneHouseholds: () => `done_households + ${Math.trunc(households)}` }).where("id = :id", { id: jobId }).execute();
}

function leaseEnd(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** A list cursor's key: `createdAt|id`. */
export function jobCursorKey(job: JobEntity): string {
  return `${job.createdAt}|${job.id}`;
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf("|");
  if (at < 0) throw new DomainError("INVALID_INPUT", "after", "after: 无效的游标 / not a cursor returned by this API");
  return [key.slice(0, at), key.slice(at + 1)];
}
