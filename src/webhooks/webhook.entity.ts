/**
 * Outgoing webhooks: who wants which events where, and the log of every delivery.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

@Entity("webhook_subscriptions")
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: "varchar", length: 40 })
  id!: string;

  /** The API key that subscribed: events are filtered by what that key may see. */
  @Column({ name: "key_id", type: "varchar", length: 40 })
  keyId!: string;

  @Column({ type: "varchar", length: 500 })
  url!: string;

  /** Event names, comma-separated. */
  @Column({ type: "varchar", length: 200 })
  events!: string;

  /** The HMAC key deliveries are signed with; shown to the subscriber once. */
  @Column({ type: "varchar", length: 80 })
  secret!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "revoked_at", type: "varchar", length: 30, nullable: true })
  revokedAt!: string | null;
}

export type DeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

@Entity("webhook_deliveries")
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "subscription_id", type: "varchar", length: 40 })
  subscriptionId!: string;

  @Column({ type: "varchar", length: 40 })
  event!: string;

  /** The exact body sent (and signed), JSON. */
  @Column({ type: "text" })
  payload!: string;

  @Column({ type: "varchar", length: 12 })
  status!: DeliveryStatus;

  @Column({ type: "int", default: 0 })
  attempts!: number;

  @Column({ name: "next_attempt_at", type: "varchar", length: 30 })
  nextAttemptAt!: string;

  @Column({ name: "last_status_code", type: "int", nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: "last_error", type: "varchar", length: 400, nullable: true })
  lastError!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "delivered_at", type: "varchar", length: 30, nullable: true })
  deliveredAt!: string | null;
}
