/**
 * Writing to the outbox (in the caller's transaction) and handing its events on (afterwards, each
 * in a transaction of its own), so that what a change sets off costs the change one row — and one
 * pending row per named consumer subscribed to its topic (OutboxConsumer).
 */
import { randomBytes } from "node:crypto";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import { nowIso, type TransactionRunner } from "../lib/db";
import { OutboxEventEntity, OutboxPendingEntity } from "./outbox.entity";
import { OutboxBackfillEntity } from "./outbox-backfill.entity";
import { pages } from "../lib/collections";
import { insertRows } from "../lib/multi-row-insert";

/** Rows per insert statement (8 columns: far below SQLite's and MySQL's placeholder limits). */
const OUTBOX_ROWS_PER_STATEMENT = 500;

export interface OutboxEvent {
  topic: string;
  jurisdiction: string;
  /** The household (beneficiary id) the event concerns. */
  aggregateId: string;
  data: unknown;
}

/** Called with each pending event in the transaction that marks it dispatched. */
export type OutboxHandler = (manager: EntityManager, event: OutboxEventEntity) => Promise<void>;

export class Outbox {
  /** The named consumers of each topic. */
  private readonly consumers = new Map<string, string[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Names a consumer of topics: every event of them appended from now on waits for it too. Wired
   * once at start, the same in every process that writes the outbox.
   */
  subscribe(consumer: string, topics: readonly string[]): void {
    for (const topic of topics) this.consumers.set(topic, [...new Set([...(this.consumers.get(topic) ?? []), consumer])]);
  }

  /** Appends one event, in the caller's transaction. */
  async append(manager: EntityManager, event: OutboxEvent): Promise<void> {
    await this.appendMany(manager, [event]);
  }

  /**
   * Appends events in the order given, in the caller's transaction: one multi-row insert of the
   * events and one of their pending rows, whatever their number (a batch of bills writes thousands).
   */
  async appendMany(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const createdAt = nowIso();
    const rows = events.map((event) => ({
      eventId: `ev_${randomBytes(12).toString("hex")}`,
      topic: event.topic,
      jurisdiction: event.jurisdiction,
      aggregateId: event.aggregateId,
      payload: JSON.stringify(event.data),
      createdAt,
      dispatchedAt: null,
    }));
    // In pages: one statement per page keeps within both databases' limits on placeholders.
    await insertRows(manager, OutboxEventEntity, rows, OUTBOX_ROWS_PER_STATEMENT);
    const waiting = rows.flatMap((row, index) => (this.consumers.get(events[index].topic) ?? []).map((consumer) => ({ consumer, row })));
    if (waiting.length === 0) return;
    // The sequences the database gave, read back by event id: portable, where a multi-row insert's ids need not be consecutive.
    const sequences = new Map<string, number>();
    for (const page of pages([...new Set(waiting.map(({ row }) => row.eventId))], OUTBOX_ROWS_PER_STATEMENT)) {
      for (const found of await manager.find(OutboxEventEntity, { select: { sequence: true, eventId: true }, where: { eventId: In(page) } })) sequences.set(found.eventId, Number(found.sequence));
    }
    const pending = waiting.map(({ consumer, row }) => ({ consumer, sequence: sequences.get(row.eventId)!, aggregateId: row.aggregateId, attempts: 0, nextAttemptAt: createdAt, lastError: null }));
    await insertRows(manager, OutboxPendingEntity, pending, OUTBOX_ROWS_PER_STATEMENT);
  }

  /**
   * Hands up to `limit` pending events, oldest first, to `handle`. Each is claimed by a guarded
   * update in the handler's transaction, so that with several instances one hands it on, once;
   * a handler that fails leaves its event pending and ends the round (its error is thrown), so
   * that events are handed on in order. Returns how many were handed on.
   */
  async dispatch(handle: OutboxHandler, limit: number): Promise<number> {
    const pending = await this.dataSource.getRepository(OutboxEventEntity).find({ where: { dispatchedAt: IsNull() }, order: { sequence: "ASC" }, take: limit });
    let handed = 0;
    for (const event of pending) {
      const claimed = await this.transactions.run(async (manager) => {
        const update = await manager.createQueryBuilder().update(OutboxEventEntity).set({ dispatchedAt: nowIso() }).where("sequence = :sequence AND dispatched_at IS NULL", { sequence: event.sequence }).execute();
        if ((update.affected ?? 0) !== 1) return false;
        await handle(manager, event);
        return true;
      });
      if (claimed) handed++;
    }
    return handed;
  }

  /**
   * Runs `publish` once for a consumer's open backfill request (OutboxBackfillEntity), in one
   * transaction that also closes the request: a failure publishes nothing and leaves it open for the
   * next start; of two instances starting at once, the guarded update lets one publish. Returns how
   * many events `publish` appended, or null when no request was open.
   */
  async backfill(consumer: string, publish: (manager: EntityManager, topic: string) => Promise<number>): Promise<number | null> {
    return this.transactions.run(async (manager) => {
      const request = await manager.findOneBy(OutboxBackfillEntity, { consumer });
      if (!request || request.completedAt !== null) return null;
      const claimed = await manager.createQueryBuilder().update(OutboxBackfillEntity).set({ completedAt: nowIso() }).where("consumer = :consumer AND completed_at IS NULL", { consumer }).execute();
      if ((claimed.affected ?? 0) !== 1) return null;
      const events = await publish(manager, request.topic);
      await manager.update(OutboxBackfillEntity, { consumer }, { events });
      return events;
    });
  }
}
