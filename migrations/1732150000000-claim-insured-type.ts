/**
 * Issue 13: the insurance a claim's person is enrolled in (居民 / 职工), which rule conditions read.
 * Claims stored before it were all settled as 居民 insured, hence the default.
 *
 * Plain ALTER TABLE on both databases: TypeORM's addColumn/dropColumn on SQLite copy the whole
 * table, and the claims table is referenced by the settlements, whose foreign keys cannot be switched
 * off inside the migration's transaction.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ClaimInsuredType1732150000000 implements MigrationInterface {
  name = "ClaimInsuredType1732150000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // A SQLite database taken down keeps the column (see down): it is there already.
    if (await queryRunner.hasColumn("claims", "insured_type")) return;
    await queryRunner.query("ALTER TABLE claims ADD COLUMN insured_type varchar(12) NOT NULL DEFAULT 'RESIDENT'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // SQLite cannot drop a column of a referenced table without copying it; it keeps the column,
    // which older code never reads. MySQL drops it.
    if (queryRunner.connection.options.type !== "mysql") return;
    await queryRunner.query("ALTER TABLE claims DROP COLUMN insured_type");
  }
}
