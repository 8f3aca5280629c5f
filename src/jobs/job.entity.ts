/**
 * Jurisdiction-wide jobs and their chunks of households (migration 1732320000000).
 */
import { Column, Entity, PrimaryColumn } from "typeorm";

export const JOB_KINDS = ["PREVIEW", "RESETTLEMENT"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Which households a re-settlement takes: all of the year, or those with a provisional line (补差). */
export const JOB_SCOPES = ["ALL", "PROVISIONAL"] as const;
export type JobScope = (typeof JOB_SCOPES)[number];

/** The statuses in which chunks are still taken. */
export const LIVE_JOB_STATUSES: readonly JobStatus[] = ["QUEUED", "RUNNING"];

@Entity("jobs")
export class JobEntity {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ type: "varchar", length: 16 })
  kind!: JobKind;

  @Column({ type: "varchar", length: 12 })
  status!: JobStatus;

  /** The pack id of a preview, the jurisdiction of a re-settlement (the same words). */
  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  /** A re-settlement's year; null for a preview (it covers every year the version reaches). */
  @Column({ type: "int", nullable: true })
  year!: number | null;

  /** The version a preview settles with, or an activation's version its re-settlement waits for. */
  @Column({ name: "pack_version", type: "int", nullable: true })
  packVersion!: number | null;

  @Column({ type: "varchar", length: 12 })
  scope!: JobScope;

  @Column({ type: "varchar", length: 200 })
  reason!: string;

  /** The API key id that started it (an activation's admin for an automatic re-settlement). */
  @Column({ name: "started_by", type: "varchar", length: 64 })
  startedBy!: string;

  @Column({ name: "total_households", type: "int", default: 0 })
  totalHouseholds!: number;

  @Column({ name: "done_households", type: "int", default: 0 })
  doneHouseholds!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "started_at", type: "varchar", length: 30, nullable: true })
  startedAt!: string | null;

  @Column({ name: "finished_at", type: "varchar", length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ name: "cancelled_by", type: "varchar", length: 64, nullable: true })
  cancelledBy!: string | null;

  @Column({ type: "varchar", length: 500, nullable: true })
  error!: string | null;

  /** The merged result as JSON (money as strings), once DONE. */
  @Column({ type: "text", nullable: true })
  result!: string | null;
}

export const CHUNK_STATUSES = ["PENDING", "RUNNING", "DONE"] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];

@Entity("job_chunks")
export class JobChunkEntity {
  @PrimaryColumn({ name: "job_id", type: "varchar", length: 36 })
  jobId!: string;

  @PrimaryColumn({ name: "chunk_no", type: "int" })
  chunkNo!: number;

  @Column({ name: "first_household", type: "varchar", length: 110 })
  firstHousehold!: string;

  @Column({ name: "last_household", type: "varchar", length: 110 })
  lastHousehold!: string;

  /** Units of progress in the chunk: household-years for a preview, households for a re-settlement. */
  @Column({ type: "int" })
  households!: number;

  @Column({ type: "varchar", length: 12 })
  status!: ChunkStatus;

  @Column({ name: "lease_owner", type: "varchar", length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: "lease_expires_at", type: "varchar", length: 30, nullable: true })
  leaseExpiresAt!: string | null;

  @Column({ type: "int", default: 0 })
  attempts!: number;

  @Column({ name: "cursor_household", type: "varchar", length: 110, nullable: true })
  cursorHousehold!: string | null;

  @Column({ name: "done_households", type: "int", default: 0 })
  doneHouseholds!: number;

  @Column({ type: "text", nullable: true })
  result!: string | null;
}
