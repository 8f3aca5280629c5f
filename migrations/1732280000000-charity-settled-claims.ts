/**
 * The charity's own record of settled claims and households (issue 14: the charity learns of
 * settlements from events, not from settlements' tables), and the outbox's pending rows per named
 * consumer (the charity is the first). Entitlements lose their foreign key onto beneficiaries: in a
 * charity process of its own the registry's table is not there. (On SQLite dropping it rebuilds
 * charity_entitlements, which no other table references.)
 *
 * A database upgraded with settlements already stored must lose nothing: the charity's new record
 * starts empty, so the migration asks (outbox_backfills) for a settlement.recorded event of every
 * current settlement, which the first start publishes with the same builder as a new settlement's
 * (a migration has no rule packs to build it with).
 */
import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

export class CharitySettledClaims1732280000000 implements MigrationInterface {
  name = "CharitySettledClaims1732280000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    // SQLite keeps money as TEXT so that it comes back exactly as written (lib/db moneyTransformer).
    const money = (name: string): TableColumnOptions => (mysql ? { name, type: "decimal", precision: 18, scale: 2 } : { name, type: "text" });
    await queryRunner.createTable(
      new Table({
        name: "charity_settled_claims",
        columns: [
          { ...text("settlement_id", 36), isPrimary: true },
          // Stored keys (jurisdiction:id) are up to 110 characters, as migration 1731550000000 made them.
          text("claim_id", 110),
          text("beneficiary_id", 110),
          text("jurisdiction", 40),
          { name: "year", type: "int" },
          text("status", 12),
          { name: "complete", type: "boolean" },
          text("date", 10),
          text("kind", 30),
          money("total"),
          money("policy_scope"),
          money("self_pay"),
          money("charity"),
          text("pack_id", 40),
          { name: "pack_version", type: "int" },
          text("category", 32, true),
          { name: "lines", type: mysql ? "mediumtext" : "text" },
          text("categories_in_year", 400),
          text("categories_at_year_end", 400),
          { name: "event_sequence", type: "int" },
          text("applied_at", 30),
        ],
        indices: [new TableIndex({ name: "ix_charity_settled_claims_year", columnNames: ["beneficiary_id", "year", "status"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "charity_households",
        columns: [
          { ...text("beneficiary_id", 110), isPrimary: true },
          text("jurisdiction", 40),
          text("name", 100),
          text("national_id", 32, true),
          text("township", 60, true),
          { name: "event_sequence", type: "int" },
          text("updated_at", 30),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "outbox_pending",
        columns: [
          { ...text("consumer", 40), isPrimary: true },
          { name: "sequence", type: "int", isPrimary: true },
          text("aggregate_id", 110),
          { name: "attempts", type: "int", default: 0 },
          text("next_attempt_at", 30),
          text("last_error", 200, true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "outbox_backfills",
        columns: [{ ...text("consumer", 40), isPrimary: true }, text("topic", 60), text("requested_at", 30), text("completed_at", 30, true), { name: "events", type: "int", isNullable: true }],
      }),
    );
    // "charity" and "settlement.recorded": the consumer and topic as this migration knows them.
    await queryRunner.query("INSERT INTO outbox_backfills (consumer, topic, requested_at) VALUES (?, ?, ?)", ["charity", "settlement.recorded", new Date().toISOString()]);
    const entitlements = (await queryRunner.getTable("charity_entitlements"))!;
    for (const foreignKey of entitlements.foreignKeys.filter((fk) => /(^|\.)beneficiaries$/.test(fk.referencedTableName))) await queryRunner.dropForeignKey(entitlements, foreignKey);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createForeignKey("charity_entitlements", new TableForeignKey({ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }));
    await queryRunner.dropTable("outbox_backfills");
    await queryRunner.dropTable("outbox_pending");
    await queryRunner.dropTable("charity_households");
    await queryRunner.dropTable("charity_settled_claims");
  }
}
