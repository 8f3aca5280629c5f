/**
 * The outbox: events written in the transaction of the change that caused them, one row per event,
 * handed on afterwards by a dispatcher (webhooks today; any other consumer later). The sequence
 * orders them; within one household it is the order of the changes, which are serialised by the
 * household's lock.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

@Entity("outbox_events")
export class OutboxEventEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  sequence!: number;

  /** A stable id receivers deduplicate by (delivery is at least once). */
  @Column({ name: "event_id", type: "varchar", length: 40 })
  eventId!: string;

  /** The event type, e.g. settlement.created. */
  @Column({ type: "varchar", length: 60 })
  topic!: string;

  /** Whose data it is: who may receive it. */
  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  /** The household (beneficiary) it concerns: consumers keep order per aggregate. */
  @Column({ name: "aggregate_id", type: "varchar", length: 110 })
  aggregateId!: string;

  /** The event's data, JSON. */
  @Column({ type: "text" })
  payload!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  /** When the dispatcher handed it on; null while pending. */
  @Column({ name: "dispatched_at", type: "varchar", length: 30, nullable: true })
  dispatchedAt!: string | null;
}

/**
 * An event a named consumer (e.g. charity) has still to take: one row per consumer subscribed to
 * the event's topic, written with the event and deleted once the consumer has it. A consumer keeps
 * the order per household: it takes a household's events only from its oldest pending one.
 */
@Entity("outbox_pending")
export class OutboxPendingEntity {
  @PrimaryColumn({ type: "varchar", length: 40 })
  consumer!: string;

  @PrimaryColumn({ type: "int" })
  sequence!: number;

  @Column({ name: "aggregate_id", type: "varchar", length: 110 })
  aggregateId!: string;

  /** Failed hand-overs so far: the next waits twice as long as the one before. */
  @Column({ type: "int", default: 0 })
  attempts!: number;

  @Column({ name: "next_attempt_at", type: "varchar", length: 30 })
  nextAttemptAt!: string;

  /** The last failure in a few words (no addresses or bodies). */
  @Column({ name: "last_error", type: "varchar", length: 200, nullable: true })
  lastError!: string | null;
}
