/**
 * One named consumer of the outbox (e.g. charity, fed by settlements): hands its pending events to a
 * sink, at least once, in order per household, and forgets them once the sink has them. A sink
 * that fails (the receiver is down) leaves the household's events pending, and they are tried again
 * with exponential back-off; the other households are tried at the next round. A kick after each
 * commit makes delivery prompt; a timer catches up on what a kick missed (another instance's commit,
 * a receiver that was down).
 */
import { In, type DataSource } from "typeorm";
import { nowIso, type TransactionRunner } from "../lib/db";
import type { Logger } from "../lib/logger";
import { groupBy } from "../lib/collections";
import { OutboxEventEntity, OutboxPendingEntity } from "./outbox.entity";

/** An event as a consumer receives it. */
export interface DeliveredEvent {
  /** Stable across deliveries (delivery is at least once). */
  id: string;
  sequence: number;
  topic: string;
  jurisdiction: string;
  aggregateId: string;
  occurredAt: string;
  data: unknown;
}

/** Where a consumer's events go: applied in the order given, or thrown at. */
export interface EventSink {
  deliver(events: readonly DeliveredEvent[]): Promise<void>;
}

export interface ConsumerOptions {
  /** The first retry waits this long, each next one twice as long, up to maxRetryMillis. */
  retryBaseMillis: number;
  maxRetryMillis: number;
  /** Pending rows read per round. */
  pageSize: number;
  /**
   * True when a commit waits for the kick it sets off (an in-process sink: what was settled is in
   * the charity's figures when the request returns); false for a remote sink, whose receiver may be
   * down — settling never waits for it.
   */
  awaitKick: boolean;
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = { retryBaseMillis: 500, maxRetryMillis: 60_000, pageSize: 100, awaitKick: true };

export class OutboxConsumer {
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private logger: Logger | null = null;
  /** Rounds run one after another; a kick while one waits to start joins it. */
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly sink: EventSink,
    private readonly options: ConsumerOptions = DEFAULT_CONSUMER_OPTIONS,
  ) {}

  /** Delivers (again) and polls every `intervalMillis`; a consumer not started still delivers on kicks. */
  start(logger: Logger, intervalMillis = 250): void {
    this.stopped = false;
    this.logger = logger;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.kick(), intervalMillis);
    this.timer.unref();
  }

  /** Stops delivering (events keep waiting in the outbox) and waits for the round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail;
  }

  /** What a commit that wrote events calls: a round soon, awaited when the sink is in-process. */
  afterCommit(): Promise<void> {
    const round = this.kick();
    return this.options.awaitKick ? round : Promise.resolve();
  }

  /** Runs a round after the one under way (joining one already waiting); never throws. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = null;
      return this.stopped ? 0 : this.round();
    });
    const logged = next.then(
      () => undefined,
      (error) => this.logger?.error({ err: error, consumer: this.name }, "outbox consumer round failed"),
    );
    this.queued = logged;
    this.tail = logged;
    return logged;
  }

  /** Events still pending for this consumer. */
  pending(): Promise<number> {
    return this.dataSource.getRepository(OutboxPendingEntity).countBy({ consumer: this.name });
  }

  /**
   * Delivers until nothing is pending (what tests and the CLI wait on instead of sleeping); throws
   * when events are still pending after `timeoutMillis` (the sink keeps failing, or stopped).
   */
  async drain(timeoutMillis = 10_000): Promise<void> {
    const until = Date.now() + timeoutMillis;
    for (;;) {
      await this.kick();
      const left = await this.pending();
      if (left === 0) return;
      if (this.stopped || Date.now() > until) throw new Error(`outbox consumer ${this.name}: ${left} events still pending`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * One round: the due households' oldest pending events, each household's in order, to the sink.
   * Returns how many events were delivered. The first failure ends the round: a receiver that is
   * down is not called once per household.
   */
  private async round(): Promise<number> {
    // Read through the door: on SQLite queued behind any open write, so only committed rows are seen.
    const rows = await this.transactions.readOnly((manager) => manager.find(OutboxPendingEntity, { where: { consumer: this.name }, order: { sequence: "ASC" }, take: this.options.pageSize }));
    if (rows.length === 0) return 0;
    const now = nowIso();
    const due = [...groupBy(rows, (row) => row.aggregateId).values()].filter((household) => household[0].nextAttemptAt <= now);
    if (due.length === 0) return 0;
    const events = new Map(
      (await this.dataSource.getRepository(OutboxEventEntity).findBy({ sequence: In(due.flatMap((household) => household.map((row) => row.sequence))) })).map((event) => [event.sequence, event]),
    );
    let delivered = 0;
    for (const household of due) {
      const batch = household.map((row) => events.get(row.sequence)!).map(deliveredEvent);
      try {
        await this.sink.deliver(batch);
      } catch (error) {
        await this.backOff(household[0], error);
        return delivered;
      }
      await this.transactions.run((manager) => manager.delete(OutboxPendingEntity, { consumer: this.name, sequence: In(household.map((row) => row.sequence)) }));
      delivered += batch.length;
    }
    // A full page may have left more behind.
    if (rows.length === this.options.pageSize && delivered > 0) void this.kick();
    return delivered;
  }

  private async backOff(head: OutboxPendingEntity, error: unknown): Promise<void> {
    const attempts = head.attempts + 1;
    const wait = Math.min(this.options.maxRetryMillis, this.options.retryBaseMillis * 2 ** (attempts - 1));
    const lastError = String((error as Error)?.message ?? error).slice(0, 200);
    this.logger?.warn({ consumer: this.name, household: head.aggregateId, attempts, retryInMillis: wait, error: lastError }, "outbox event not delivered; will retry");
    await this.transactions.run((manager) =>
      manager.update(OutboxPendingEntity, { consumer: this.name, sequence: head.sequence }, { attempts, nextAttemptAt: new Date(Date.now() + wait).toISOString(), lastError }),
    );
  }
}

function deliveredEvent(event: OutboxEventEntity): DeliveredEvent {
  return { id: event.eventId, sequence: event.sequence, topic: event.topic, jurisdiction: event.jurisdiction, aggregateId: event.aggregateId, occurredAt: event.createdAt, data: JSON.parse(event.payload) };
}
