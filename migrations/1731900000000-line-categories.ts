/**
 * 就高不重复 per tier (issue 13): each settlement line records the category whose rule it follows,
 * and whether it is provisional — a category held has a rule whose figures are not set yet and
 * might pay more (补差 once set), with the names of those parameters.
 */
import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

export class LineCategories1731900000000 implements MigrationInterface {
  name = "LineCategories1731900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("settlement_lines", [
      new TableColumn({ name: "category", type: "varchar", length: "40", isNullable: true }),
      new TableColumn({ name: "provisional", type: "boolean", default: false }),
      new TableColumn({ name: "missing_parameters", type: "varchar", length: "400", isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ["missing_parameters", "provisional", "category"]) await queryRunner.dropColumn("settlement_lines", column);
  }
}
