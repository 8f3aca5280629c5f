/**
 * A consumer's request for the events written before it subscribed: the migration that introduces a
 * consumer asks (e.g. the charity, which now keeps its own record from settlement.recorded events,
 * needs one for every settlement stored before), and the first start after it publishes them and
 * closes the request in the same transaction, so that they are published once.
 */
import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity("outbox_backfills")
export class OutboxBackfillEntity {
  @PrimaryColumn({ type: "varchar", length: 40 })
  consumer!: string;

  /** The topic whose earlier events the consumer needs. */
  @Column({ type: "varchar", length: 60 })
  topic!: string;

  @Column({ name: "requested_at", type: "varchar", length: 30 })
  requestedAt!: string;

  /** Null while the events are still to be published. */
  @Column({ name: "completed_at", type: "varchar", length: 30, nullable: true })
  completedAt!: string | null;

  /** How many events the backfill published. */
  @Column({ type: "int", nullable: true })
  events!: number | null;
}
