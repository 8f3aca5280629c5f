/**
 * GraphQL: start, cancel and read jurisdiction-wide jobs. Starting and cancelling are ADMIN's; a
 * job is read by any key that may see its jurisdiction (another jurisdiction's is answered as missing).
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { decodeCursor } from "../lib/graphql";
import { pageOf, pageSize, type Page } from "../lib/connection";
import type { RequestContext } from "../access/request-context";
import { JobKindEnum, JobScopeEnum, JobStatusEnum } from "../gateway/enums";
import { partFromJson, previewOf } from "../rules/preview-part";
import type { JobEntity, JobKind, JobScope, JobStatus } from "./job.entity";
import { jobCursorKey, type JobService } from "./job.service";
import { Job, JobConnection } from "./job.types";

/** The GraphQL view of a stored job, with the estimate of the time left. */
export function jobView(job: JobEntity, now = Date.now()): Job {
  const done = job.status === "DONE" && job.result;
  return {
    ...job,
    secondsLeft: secondsLeft(job, now),
    preview: done && job.kind === "PREVIEW" ? previewOf(job.jurisdiction, job.packVersion!, partFromJson(job.result!)) : null,
    resettlement: done && job.kind === "RESETTLEMENT" ? JSON.parse(job.result!) : null,
  };
}

/** The time left at the pace so far (elapsed per household done, times the households left). */
function secondsLeft(job: JobEntity, now: number): number | null {
  if (job.status !== "RUNNING" || !job.startedAt || job.doneHouseholds === 0) return null;
  const elapsed = (now - Date.parse(job.startedAt)) / 1000;
  return Math.max(0, Math.ceil((elapsed / job.doneHouseholds) * Math.max(0, job.totalHouseholds - job.doneHouseholds)));
}

@Resolver(() => Job)
export class JobResolver {
  constructor(private readonly services: { jobs: JobService }) {}

  @Query(() => Job, { nullable: true, description: "A job, when the key may see its jurisdiction." })
  async job(@Arg("id", () => ID) id: string, @Ctx() { principal }: RequestContext): Promise<Job | null> {
    const job = await this.services.jobs.job(principal, id);
    return job && jobView(job);
  }

  @Query(() => JobConnection, { description: "Jobs of the jurisdictions the key may see, newest first." })
  async jobs(
    @Ctx() { principal }: RequestContext,
    @Arg("jurisdiction", () => String, { nullable: true }) jurisdiction?: string,
    @Arg("kind", () => JobKindEnum, { nullable: true }) kind?: JobKind,
    @Arg("status", () => JobStatusEnum, { nullable: true }) status?: JobStatus,
    @Arg("first", () => Int, { defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<Page<Job>> {
    const limit = pageSize(first);
    const rows = await this.services.jobs.list(principal, { jurisdiction, kind, status }, limit, after ? decodeCursor(after) : undefined);
    const now = Date.now();
    return mapPage(pageOf(rows, limit, jobCursorKey), (job) => jobView(job, now));
  }

  @Mutation(() => Job, { description: "Starts a preview of a published version over its jurisdiction's stored settlements, as a job (ADMIN)." })
  async startPreviewJob(@Arg("id") id: string, @Arg("version", () => Int) version: number, @Ctx() { principal }: RequestContext): Promise<Job> {
    return jobView(await this.services.jobs.startPreview(principal, id, version));
  }

  @Mutation(() => Job, { description: "Starts the re-settlement of a jurisdiction's year under the versions in force, as a job (ADMIN)." })
  async startResettlementJob(
    @Arg("jurisdiction") jurisdiction: string,
    @Arg("year", () => Int) year: number,
    @Ctx() { principal }: RequestContext,
    @Arg("scope", () => JobScopeEnum, { defaultValue: "ALL" }) scope: JobScope = "ALL",
  ): Promise<Job> {
    return jobView(await this.services.jobs.startResettlement(principal, jurisdiction, year, scope));
  }

  @Mutation(() => Job, { description: "Cancels a queued or running job (ADMIN); CONFLICT once it has ended." })
  async cancelJob(@Arg("id", () => ID) id: string, @Ctx() { principal }: RequestContext): Promise<Job> {
    return jobView(await this.services.jobs.cancel(principal, id));
  }
}

function mapPage<A, B>(page: Page<A>, map: (node: A) => B): Page<B> {
  return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })), pageInfo: page.pageInfo };
}
