/**
 * Charity funds, their append-only ledger, households' top-up entitlements, the record of money
 * requests (idempotency), and the township of a beneficiary (which township fund pays first).
 * Money is DECIMAL(18,2) on MySQL and TEXT on SQLite, as in the initial schema.
 */
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

export class CharityLedger1731100000000 implements MigrationInterface {
  name = "CharityLedger1731100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    const money = (name: string): TableColumnOptions => (mysql ? { name, type: "decimal", precision: 18, scale: 2 } : { name, type: "text" });

    await queryRunner.addColumn("beneficiaries", new TableColumn(text("township", 60, true)));
    await queryRunner.createTable(
      new Table({
        name: "charity_funds",
        columns: [
          { name: "id", type: "varchar", length: "64", isPrimary: true },
          text("name", 100),
          text("kind", 10),
          text("jurisdiction", 40),
          text("township", 60, true),
          money("balance"),
          { name: "lock_counter", type: "int", default: 0 },
          text("created_at", 30),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "fund_ledger",
        columns: [
          { name: "id", type: mysql ? "int" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          text("fund_id", 64),
          text("type", 14),
          text("direction", 3),
          money("amount"),
          money("balance_after"),
          { name: "reverses_entry_id", type: "int", isNullable: true },
          text("entitlement_id", 80, true),
          text("beneficiary_id", 64, true),
          text("claim_id", 64, true),
          text("counterpart_fund_id", 64, true),
          text("fund_order_rule", 90, true),
          text("request_id", 80),
          text("actor", 40),
          text("reason", 400),
          text("created_at", 30),
        ],
        indices: [
          new TableIndex({ name: "ix_fund_ledger_fund", columnNames: ["fund_id", "id"] }),
          new TableIndex({ name: "ix_fund_ledger_entitlement", columnNames: ["entitlement_id"] }),
          // A ledger entry can be reversed once only.
          new TableIndex({ name: "ux_fund_ledger_reverses", columnNames: ["reverses_entry_id"], isUnique: true }),
        ],
        foreignKeys: [{ columnNames: ["fund_id"], referencedTableName: "charity_funds", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "charity_entitlements",
        columns: [
          { name: "id", type: "varchar", length: "80", isPrimary: true },
          text("beneficiary_id", 64),
          text("jurisdiction", 40),
          { name: "year", type: "int" },
          money("amount"),
          money("allocated"),
          money("outstanding"),
          text("status", 16),
          text("claim_id", 64, true),
          { name: "lock_counter", type: "int", default: 0 },
          text("opened_at", 30),
          text("updated_at", 30),
        ],
        indices: [new TableIndex({ name: "ix_entitlements_status", columnNames: ["status", "jurisdiction"] })],
        foreignKeys: [{ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "money_requests",
        columns: [{ name: "request_id", type: "varchar", length: "80", isPrimary: true }, text("kind", 30), text("fingerprint", 64), { name: "result", type: mysql ? "mediumtext" : "text" }, text("actor", 40), text("created_at", 30)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["money_requests", "charity_entitlements", "fund_ledger", "charity_funds"]) await queryRunner.dropTable(table);
    await queryRunner.dropColumn("beneficiaries", "township");
  }
}
