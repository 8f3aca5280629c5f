/**
 * Writing to the outbox (in the caller's transaction) and handing its events on (afterwards, each
 * in a transaction of its own), so that what a change sets off costs the change one row.
 */
import { randomBytes } from "node:crypto";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { nowIso, type TransactionRunner } from "../lib/db";
import { OutboxEventEntity } from "./outbox.entity";

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
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Appends one event, in the caller's transaction. */
  async append(manager: EntityManager, event: OutboxEvent): Promise<void> {
    await manager.insert(OutboxEventEntity, {
      eventId: `ev_${randomBytes(12).toString("hex")}`,
      topic: event.topic,
      jurisdiction: event.jurisdiction,
      aggregateId: event.aggregateId,
      payload: JSON.stringify(event.data),
      createdAt: nowIso(),
      dispatchedAt: null,
    });
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
}
