/**
 * Rule governance: which version retired which (so that a rollback can bring the previous one
 * back), when, and the scenarios attached when a version was published.
 */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

export class RuleGovernance1731200000000 implements MigrationInterface {
  name = "RuleGovernance1731200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    await queryRunner.addColumns("rule_pack_versions", [
      new TableColumn({ name: "retired_by", type: "int", isNullable: true }),
      new TableColumn({ name: "retired_at", type: "varchar", length: "30", isNullable: true }),
      new TableColumn({ name: "scenarios", type: mysql ? "mediumtext" : "text", isNullable: true }),
    ]);
    await queryRunner.createIndex("audit_log", new TableIndex({ name: "ix_audit_log_at", columnNames: ["id"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("audit_log", "ix_audit_log_at");
    for (const column of ["scenarios", "retired_at", "retired_by"]) await queryRunner.dropColumn("rule_pack_versions", column);
  }
}
