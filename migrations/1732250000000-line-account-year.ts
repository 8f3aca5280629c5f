/**
 * 聊城 四(一) (issue 13 item 2): a settlement line records the natural year whose account it counted
 * in when that is not the settlement's own — looked-back costs counted in an identification's
 * medical year — so that a year's stored account can be checked against the lines that make it.
 * Null for every line stored before, which all counted in their settlement's year.
 *
 * Plain ALTER TABLE on both databases (TypeORM's addColumn on SQLite copies the table).
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class LineAccountYear1732250000000 implements MigrationInterface {
  name = "LineAccountYear1732250000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // A SQLite database taken down keeps the column (see down): it is there already.
    if (await queryRunner.hasColumn("settlement_lines", "account_year")) return;
    await queryRunner.query("ALTER TABLE settlement_lines ADD COLUMN account_year int NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // SQLite keeps the column, which older code never reads; MySQL drops it.
    if (queryRunner.connection.options.type !== "mysql") return;
    await queryRunner.query("ALTER TABLE settlement_lines DROP COLUMN account_year");
  }
}
