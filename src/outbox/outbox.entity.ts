/**
 * The outbox: events written in the transaction of the change that caused them, one row per event,
 * handed on afterwards by a dispatcher (webhooks today; any other consumer later). The sequence
 * orders them; within one household it is the order of the changes, which are serialised by the
 * household's lock.
 */
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

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
