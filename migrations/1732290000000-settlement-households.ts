/**
 * Issue 14 item 4: settlements share no table with the beneficiaries' owner. A claim and a year's
 * account no longer need a local beneficiary row (with a remote registry there is none), so their
 * foreign keys to `beneficiaries` go; and a household's settling is serialised on a row of
 * settlements' own, `settlement_households`, made when first locked, instead of on the beneficiary.
 *
 * On SQLite a foreign key goes only by copying the table. `claims` is referenced by settlements and
 * adjustments, and foreign keys cannot be switched off inside the migration's transaction: their
 * checks are deferred to its commit instead, when every reference holds again.
 */
import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from "typeorm";

/** Settlements' tables that referred to a beneficiary row. */
const REFERRING = ["claims", "year_to_date"];

function isBeneficiaries(tableName: string): boolean {
  return /(^|\.)beneficiaries$/.test(tableName);
}

export class SettlementHouseholds1732290000000 implements MigrationInterface {
  name = "SettlementHouseholds1732290000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "settlement_households",
        columns: [
          // A beneficiary key (tenant-ids: 110 characters).
          { name: "beneficiary_id", type: "varchar", length: "110", isPrimary: true },
          { name: "settle_lock", type: "int", default: 0 },
        ],
      }),
    );
    await this.deferForeignKeys(queryRunner);
    for (const name of REFERRING) {
      const table = (await queryRunner.getTable(name))!;
      for (const foreignKey of table.foreignKeys.filter((fk) => isBeneficiaries(fk.referencedTableName))) await queryRunner.dropForeignKey(table, foreignKey);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Fails, changing nothing, when a claim's person has no beneficiary row (a remote registry's).
    await this.deferForeignKeys(queryRunner);
    for (const name of REFERRING) {
      await queryRunner.createForeignKey(name, new TableForeignKey({ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }));
    }
    await queryRunner.dropTable("settlement_households");
  }

  /** SQLite: foreign keys checked at the commit (the only way inside a transaction). MySQL changes constraints by ALTER TABLE, no copy. */
  private async deferForeignKeys(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") await queryRunner.query("PRAGMA defer_foreign_keys = ON");
  }
}
