/**
 * Issue 13: an application's decision (宜春 倾斜救助 counts once approved, 第十条4 / 第十二条) and
 * 渐退期 periods (乐清 三(三)8: phase-out 低保/低边 recipients keep the premium subsidy).
 *
 * Applications recorded before were all read as granted for their year: they become APPROVED on
 * their application date (the project's decision for an application without a decision). A
 * category period recorded before is a certification, not a phase-out.
 *
 * Plain ALTER TABLE on both databases (TypeORM's SQLite column changes copy the table).
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ApplicationDecisionsPhaseOuts1732270000000 implements MigrationInterface {
  name = "ApplicationDecisionsPhaseOuts1732270000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // A SQLite database taken down keeps the columns (see down): they are there already.
    if (!(await queryRunner.hasColumn("applications", "status"))) {
      await queryRunner.query("ALTER TABLE applications ADD COLUMN status varchar(12) NOT NULL DEFAULT 'APPROVED'");
      await queryRunner.query("ALTER TABLE applications ADD COLUMN decided_on varchar(10) NULL");
      await queryRunner.query("UPDATE applications SET decided_on = `date` WHERE decided_on IS NULL AND status = 'APPROVED'");
    }
    if (!(await queryRunner.hasColumn("category_periods", "phase_out"))) {
      // boolean is tinyint(1) on MySQL/MariaDB, as TypeORM maps the entity's column.
      await queryRunner.query("ALTER TABLE category_periods ADD COLUMN phase_out boolean NOT NULL DEFAULT 0");
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // SQLite keeps the columns, which older code never reads; MySQL drops them. Older code would read
    // a phase-out as a certification and a pending or refused application as granted: those rows are
    // retracted (kept, as every correction is), not deleted.
    const now = new Date().toISOString();
    await queryRunner.query("UPDATE category_periods SET retracted_at = ? WHERE phase_out = 1 AND retracted_at IS NULL", [now]);
    await queryRunner.query("UPDATE applications SET retracted_at = ? WHERE status <> 'APPROVED' AND retracted_at IS NULL", [now]);
    if (queryRunner.connection.options.type !== "mysql") return;
    await queryRunner.query("ALTER TABLE category_periods DROP COLUMN phase_out");
    await queryRunner.query("ALTER TABLE applications DROP COLUMN decided_on");
    await queryRunner.query("ALTER TABLE applications DROP COLUMN status");
  }
}
