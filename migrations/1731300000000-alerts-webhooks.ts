/**
 * Risk alerts (预警监测) raised by settlements, and outgoing webhooks: subscriptions and the
 * delivery log (every attempt's outcome, retried with back-off).
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

export class AlertsWebhooks1731300000000 implements MigrationInterface {
  name = "AlertsWebhooks1731300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    const money = (name: string): TableColumnOptions => (mysql ? { name, type: "decimal", precision: 18, scale: 2 } : { name, type: "text" });
    const serial: TableColumnOptions = { name: "id", type: mysql ? "int" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
    const long = (name: string): TableColumnOptions => ({ name, type: mysql ? "mediumtext" : "text" });

    await queryRunner.createTable(
      new Table({
        name: "risk_alerts",
        columns: [
          serial,
          text("beneficiary_id", 64),
          text("jurisdiction", 40),
          { name: "year", type: "int" },
          text("rule_id", 90),
          text("clause", 260),
          text("label", 400),
          text("category", 32, true),
          money("threshold"),
          money("burden"),
          text("claim_id", 64),
          text("status", 14),
          text("raised_at", 30),
          text("acknowledged_by", 40, true),
          text("acknowledged_at", 30, true),
          text("note", 400, true),
        ],
        indices: [
          // One alert per person, year and rule: crossing a threshold again raises nothing new.
          new TableIndex({ name: "ux_risk_alerts_once", columnNames: ["beneficiary_id", "year", "rule_id"], isUnique: true }),
          new TableIndex({ name: "ix_risk_alerts_status", columnNames: ["jurisdiction", "status", "id"] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_subscriptions",
        columns: [{ name: "id", type: "varchar", length: "40", isPrimary: true }, text("key_id", 40), text("url", 500), text("events", 200), text("secret", 80), text("created_at", 30), text("revoked_at", 30, true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "webhook_deliveries",
        columns: [
          serial,
          text("subscription_id", 40),
          text("event", 40),
          long("payload"),
          text("status", 12),
          { name: "attempts", type: "int", default: 0 },
          text("next_attempt_at", 30),
          { name: "last_status_code", type: "int", isNullable: true },
          text("last_error", 400, true),
          text("created_at", 30),
          text("delivered_at", 30, true),
        ],
        indices: [new TableIndex({ name: "ix_webhook_deliveries_due", columnNames: ["status", "next_attempt_at"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["webhook_deliveries", "webhook_subscriptions", "risk_alerts"]) await queryRunner.dropTable(table);
  }
}
