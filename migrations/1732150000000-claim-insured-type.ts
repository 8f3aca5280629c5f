/**
 * Issue 13: the insurance a claim's person is enrolled in (居民 / 职工), which rule conditions read.
 * Claims stored before it were all settled as 居民 insured, hence the default.
 */
import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

export class ClaimInsuredType1732150000000 implements MigrationInterface {
  name = "ClaimInsuredType1732150000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("claims", new TableColumn({ name: "insured_type", type: "varchar", length: "12", default: "'RESIDENT'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("claims", "insured_type");
  }
}
