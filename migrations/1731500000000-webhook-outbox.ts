/**
 * The outbox (one row per event, written in the transaction of the change; dispatched afterwards),
 * indexes for a key's subscriptions and a subscription's deliveries, and delivery logs reduced to
 * the coarse outcome they keep from now on (no connection error text: it mapped the network).
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

export class WebhookOutbox1731500000000 implements MigrationInterface {
  name = "WebhookOutbox1731500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: "outbox_events",
        columns: [
          { name: "sequence", type: mysql ? "int" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          text("event_id", 40),
          text("topic", 60),
          text("jurisdiction", 40),
          // A stored household key: jurisdiction:id (tenant-ids), at most 110 characters.
          text("aggregate_id", 110),
          { name: "payload", type: mysql ? "mediumtext" : "text" },
          text("created_at", 30),
          text("dispatched_at", 30, true),
        ],
        indices: [
          new TableIndex({ name: "ux_outbox_events_event_id", columnNames: ["event_id"], isUnique: true }),
          new TableIndex({ name: "ix_outbox_events_pending", columnNames: ["dispatched_at", "sequence"] }),
          new TableIndex({ name: "ix_outbox_events_aggregate", columnNames: ["aggregate_id", "sequence"] }),
        ],
      }),
    );
    await queryRunner.createIndex("webhook_subscriptions", new TableIndex({ name: "ix_webhook_subscriptions_key", columnNames: ["key_id"] }));
    await queryRunner.createIndex("webhook_deliveries", new TableIndex({ name: "ix_webhook_deliveries_subscription", columnNames: ["subscription_id", "id"] }));
    await queryRunner.query("UPDATE webhook_deliveries SET last_error = 'connection failed' WHERE last_error IS NOT NULL AND last_error NOT LIKE 'HTTP %' AND last_error <> 'subscription revoked'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("webhook_deliveries", "ix_webhook_deliveries_subscription");
    await queryRunner.dropIndex("webhook_subscriptions", "ix_webhook_subscriptions_key");
    await queryRunner.dropTable("outbox_events");
  }
}
