/**
 * Issue 14 item 4: settlements share no table with the beneficiaries' owner. A claim and a year's
 * account no longer need a local beneficiary row (with a remote registry there is none), so their
 * foreign keys to `beneficiaries` go; and a household's settling is serialised on a row of
 * settlements' own, `settlement_households`, made when first locked, instead of on the beneficiary.
 *
 * On SQLite a foreign key goes only by copying the table, and `claims` is referenced by settlements
 * and adjustments: dropping the old copy inside a transaction with foreign keys on counts every
 * such reference as broken, even deferred (the new copy is another table until renamed). So this
 * migration runs outside the runner's transaction and makes its own, with foreign keys off for
 * the copy (SQLite's documented way) and checked before the commit. `down` keeps the foreign keys
 * dropped on SQLite (the runner gives it a transaction, where they cannot be switched off; older
 * code does not need them) and makes them again on MySQL.
 */
import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from "typeorm";

/** Settlements' tables that referred to a beneficiary row. */
const REFERRING = ["claims", "year_to_date"];

const HOUSEHOLDS = new Table({
  name: "settlement_households",
  columns: [
    // A beneficiary key (tenant-ids: 110 characters).
    { name: "beneficiary_id", type: "varchar", length: "110", isPrimary: true },
    { name: "settle_lock", type: "int", default: 0 },
  ],
});

function isMysql(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type === "mysql";
}

export class SettlementHouseholds1732290000000 implements MigrationInterface {
  name = "SettlementHouseholds1732290000000";
  /** Its own transaction, see above. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    // MySQL commits each ALTER TABLE by itself: each step is skipped when it is done already.
    if (isMysql(queryRunner)) return this.change(queryRunner);
    await queryRunner.query("PRAGMA foreign_keys = OFF");
    try {
      await queryRunner.startTransaction();
      try {
        await this.change(queryRunner);
        const broken = (await queryRunner.query("PRAGMA foreign_key_check")) as unknown[];
        if (broken.length > 0) throw new Error(`foreign keys broken after copying ${REFERRING.join(", ")}: ${JSON.stringify(broken.slice(0, 5))}`);
        await queryRunner.commitTransaction();
      } catch (error) {
        await queryRunner.rollbackTransaction();
        throw error;
      }
    } finally {
      await queryRunner.query("PRAGMA foreign_keys = ON");
    }
  }

  private async change(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(HOUSEHOLDS, true);
    for (const name of REFERRING) {
      const table = (await queryRunner.getTable(name))!;
      for (const foreignKey of table.foreignKeys.filter((fk) => /(^|\.)beneficiaries$/.test(fk.referencedTableName))) await queryRunner.dropForeignKey(table, foreignKey);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Refused by MySQL, changing nothing, when a claim's person has no beneficiary row (a remote registry's).
    if (isMysql(queryRunner)) {
      for (const name of REFERRING) await queryRunner.createForeignKey(name, new TableForeignKey({ columnNames: ["beneficiary_id"], referencedTableName: "beneficiaries", referencedColumnNames: ["id"] }));
    }
    await queryRunner.dropTable("settlement_households");
  }
}
