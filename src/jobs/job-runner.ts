/**
 * The small loop that runs jobs' chunks in a gateway process (started by `npm start`; tests start
 * their own): it takes a chunk, runs it, takes the next, and polls when there is none. Several
 * runners — in one process or many, on one database — share the chunks through their leases.
 */
import * as os from "node:os";
import { randomUUID } from "node:crypto";
import { DEFAULT_JOB_CONFIG, type JobRunnerConfig } from "../lib/config";
import type { Logger } from "../lib/logger";
import type { JobService } from "./job.service";

export class JobRunner {
  /** The lease owner's name: host, process and this runner. */
  readonly owner = `${os.hostname().slice(0, 30)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Chunks this runner finished (tests wait on it). */
  chunksDone = 0;

  constructor(
    private readonly jobs: JobService,
    private readonly config: JobRunnerConfig = DEFAULT_JOB_CONFIG,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    this.stopping = false;
    this.schedule(0);
  }

  /**
   * Stops taking chunks; the chunk in hand stops at its next household and keeps its lease, as if
   * the process had died there: another runner takes it once the lease expires. What was committed
   * stays (a re-settled household with its progress), so nothing is done twice.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
  }

  /** Takes and runs chunks until there is none; true when it ran at least one. */
  async runAvailable(): Promise<boolean> {
    let ran = false;
    while (!this.stopping) {
      const taken = await this.jobs.takeChunk(this.owner, this.config.leaseSeconds);
      if (!taken) break;
      ran = true;
      try {
        const stop = await this.jobs.runChunk(taken, this.owner, this.config.leaseSeconds, () => this.stopping);
        if (stop === null) this.chunksDone++;
        else this.logger?.info({ job: taken.job.id, chunk: taken.chunk.chunkNo, stop }, "job chunk stopped");
      } catch (error) {
        this.logger?.error({ err: error, job: taken.job.id, chunk: taken.chunk.chunkNo }, "job failed");
        await this.jobs.fail(taken.job.id, error);
      }
    }
    if (!this.stopping) await this.jobs.finishOrphans();
    return ran;
  }

  private schedule(delayMillis: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.runAvailable()
        .catch((error) => this.logger?.error({ err: error }, "job runner"))
        .then(() => this.schedule(this.config.pollMillis));
    }, delayMillis);
    this.timer.unref();
  }
}
