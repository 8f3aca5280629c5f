/**
 * The initial schema: beneficiaries and their certified categories and applications, claims,
 * settlements with their lines, year-to-date accumulators, adjustments, rule pack versions, API keys
 * and the audit log.
 *
 * The same migration runs on MySQL/MariaDB and SQLite. Money is DECIMAL(18,2) on MySQL and TEXT on
 * SQLite (SQLite would store a DECIMAL as a binary float); timestamps and dates are ISO text on both.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

function isMysql(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type === "mysql";
}

/** Column builders that pick the right type for the database. */
function columns(queryRunner: QueryRunner) {
  const mysql = isMysql(queryRunner);
  return {
    id: (name: string, length: number): TableColumnOptions => ({ name, type: "varchar", length: String(length), isPrimary: true }),
    serial: (name = "id"): TableColumnOptions => ({ name, type: mysql ? "int" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" }),
    text: (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable }),
    longText: (name: string): TableColumnOptions => ({ name, type: mysql ? "mediumtext" : "text" }),
    money: (name: string, nullable = false): TableColumnOptions =>
      mysql ? { name, type: "decimal", precision: 18, scale: 2, isNullable: nullable } : { name, type: "text", isNullable: nullable },
    int: (name: string, defaultValue?: number): TableColumnOptions => ({ name, type: "int", default: defaultValue }),
    bool: (name: string): TableColumnOptions => ({ name, type: "boolean" }),
    hash: (name: string): TableColumnOptions => ({ name, type: "varchar", length: "64" }),
  };
}

export class InitialSchema1731000000000 implements MigrationInterface {
  name = "InitialSchema1731000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: "beneficiaries",
        columns: [c.id("id", 64), c.text("jurisdiction", 40), c.text("name", 100), c.text("national_id", 32, true), c.int("settle_lock", 0), c.text("created_at", 30), c.text("updated_at", 30)],
        indices: [new TableIndex({ name: "ix_beneficiaries_jurisdiction", columnNames: ["jurisdiction", "id"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "category_periods",
        columns: [c.serial(), c.text("beneficiary_id", 64), c.text("category", 32), c.text("from_date", 10), c.text("to_date", 10, true), c.text("recorded_at", 30), c.text("retracted_at", 30, true)],
        indices: [new TableIndex({ name: "ix_category_periods_beneficiary", columnNames: ["beneficiary_id"] })],
        foreignKeys: [{ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "applications",
        columns: [c.serial(), c.text("beneficiary_id", 64), c.text("program", 32), c.text("date", 10), c.text("recorded_at", 30), c.text("retracted_at", 30, true)],
        indices: [new TableIndex({ name: "ix_applications_beneficiary", columnNames: ["beneficiary_id"] })],
        foreignKeys: [{ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "claims",
        columns: [
          c.id("id", 64),
          c.text("beneficiary_id", 64),
          c.text("jurisdiction", 40),
          c.text("date", 10),
          c.int("year"),
          c.text("kind", 24),
          c.bool("referred"),
          c.bool("in_province"),
          c.bool("guidance_followed"),
          c.money("total"),
          c.money("out_of_catalog"),
          c.money("class_b_self_pay"),
          c.money("over_standard"),
          c.money("reported_basic", true),
          c.money("reported_critical", true),
          c.money("reported_assistance", true),
          c.money("reported_reassistance", true),
          c.money("reported_commercial", true),
          c.hash("fingerprint"),
          c.text("status", 12),
          c.int("sequence"),
          c.text("submitted_by", 40),
          c.text("submitted_at", 30),
        ],
        indices: [new TableIndex({ name: "ix_claims_beneficiary_year", columnNames: ["beneficiary_id", "year", "date"] })],
        foreignKeys: [{ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "settlements",
        columns: [
          c.id("id", 36),
          c.text("claim_id", 64),
          c.text("beneficiary_id", 64),
          c.int("year"),
          c.text("date", 10),
          c.text("pack_id", 40),
          c.int("pack_version"),
          c.text("category", 32, true),
          c.text("categories_held", 400),
          c.money("total"),
          c.money("policy_scope"),
          c.money("self_pay"),
          c.text("status", 12),
          c.text("cause", 16),
          c.text("supersedes_id", 36, true),
          c.text("settled_at", 30),
        ],
        indices: [
          new TableIndex({ name: "ix_settlements_claim", columnNames: ["claim_id", "status"] }),
          new TableIndex({ name: "ix_settlements_beneficiary_year", columnNames: ["beneficiary_id", "year", "status"] }),
        ],
        foreignKeys: [{ columnNames: ["claim_id"], referencedTableName: "claims", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "settlement_lines",
        columns: [
          c.serial(),
          c.text("settlement_id", 36),
          c.int("position"),
          c.text("tier", 16),
          c.money("amount"),
          c.text("source", 10),
          c.text("rule_id", 90, true),
          c.text("pack_id", 40),
          c.int("pack_version"),
          c.text("clause_document", 200, true),
          c.text("clause", 60, true),
          c.text("formula", 30, true),
          c.longText("figures"),
          c.text("reason", 20, true),
          c.text("note", 400),
        ],
        indices: [new TableIndex({ name: "ix_settlement_lines_settlement", columnNames: ["settlement_id", "position"] })],
        foreignKeys: [{ columnNames: ["settlement_id"], referencedTableName: "settlements", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "year_to_date",
        columns: [
          { name: "beneficiary_id", type: "varchar", length: "64", isPrimary: true },
          { name: "year", type: "int", isPrimary: true },
          { name: "tier", type: "varchar", length: "16", isPrimary: true },
          c.money("base"),
          c.money("paid"),
          c.text("updated_at", 30),
        ],
        foreignKeys: [{ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "adjustments",
        columns: [
          c.serial(),
          c.text("claim_id", 64),
          c.text("from_settlement_id", 36),
          c.text("to_settlement_id", 36),
          c.text("tier", 16),
          c.money("before"),
          c.money("after"),
          c.money("difference"),
          c.text("cause", 120),
          c.text("created_at", 30),
        ],
        indices: [new TableIndex({ name: "ix_adjustments_claim", columnNames: ["claim_id"] })],
        foreignKeys: [{ columnNames: ["claim_id"], referencedTableName: "claims", referencedColumnNames: ["id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "rule_pack_versions",
        columns: [
          { name: "pack_id", type: "varchar", length: "40", isPrimary: true },
          { name: "version", type: "int", isPrimary: true },
          c.longText("document"),
          c.hash("hash"),
          c.text("status", 10),
          c.text("in_force_from", 10),
          c.text("in_force_to", 10, true),
          c.text("published_by", 40),
          c.text("published_at", 30),
          c.text("activated_at", 30, true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "api_keys",
        columns: [c.id("id", 40), c.text("name", 100), c.text("role", 10), c.text("jurisdictions", 400), c.hash("secret_hash"), c.text("created_at", 30), c.text("revoked_at", 30, true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "audit_log",
        columns: [c.serial(), c.text("at", 30), c.text("actor", 40), c.text("action", 40), c.text("subject_type", 40), c.text("subject_id", 120), c.longText("detail")],
        indices: [new TableIndex({ name: "ix_audit_log_subject", columnNames: ["subject_type", "subject_id"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["audit_log", "api_keys", "rule_pack_versions", "adjustments", "year_to_date", "settlement_lines", "settlements", "claims", "applications", "category_periods", "beneficiaries"]) {
      await queryRunner.dropTable(table);
    }
  }
}
