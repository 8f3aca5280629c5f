/**
 * Issue 15 item 3: jurisdiction-wide jobs stored in the database (a rule pack preview, a
 * re-settlement of a jurisdiction's year). A job is cut into chunks of households by key range;
 * an instance takes a free or expired chunk with a guarded UPDATE of its lease (SQLite has no
 * SELECT … FOR UPDATE), so any instance resumes a job whose runner died. A chunk keeps its part of
 * the result (a preview's totals and its 20 largest changes), so a resumed job ends the same.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";

export class Jobs1732320000000 implements MigrationInterface {
  name = "Jobs1732320000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    // A result is JSON of bounded size (totals, 20 households, at most 100 refusals).
    const json = (name: string): TableColumnOptions => ({ name, type: mysql ? "mediumtext" : "text", isNullable: true });
    await queryRunner.createTable(
      new Table({
        name: "jobs",
        columns: [
          { ...text("id", 36), isPrimary: true },
          text("kind", 16),
          text("status", 12),
          text("jurisdiction", 40),
          { name: "year", type: "int", isNullable: true },
          { name: "pack_version", type: "int", isNullable: true },
          text("scope", 12),
          text("reason", 200),
          text("started_by", 64),
          { name: "total_households", type: "int", default: 0 },
          { name: "done_households", type: "int", default: 0 },
          text("created_at", 30),
          text("started_at", 30, true),
          text("finished_at", 30, true),
          text("cancelled_by", 64, true),
          text("error", 500, true),
          json("result"),
        ],
        indices: [new TableIndex({ name: "ix_jobs_status", columnNames: ["status", "created_at"] }), new TableIndex({ name: "ix_jobs_jurisdiction", columnNames: ["jurisdiction", "created_at"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "job_chunks",
        columns: [
          { ...text("job_id", 36), isPrimary: true },
          { name: "chunk_no", type: "int", isPrimary: true },
          // Beneficiary keys (tenant-ids: up to 110 characters), both ends included.
          text("first_household", 110),
          text("last_household", 110),
          { name: "households", type: "int" },
          text("status", 12),
          text("lease_owner", 64, true),
          text("lease_expires_at", 30, true),
          { name: "attempts", type: "int", default: 0 },
          // Where a re-settlement chunk stands: its last household committed (with the household's own transaction).
          text("cursor_household", 110, true),
          { name: "done_households", type: "int", default: 0 },
          json("result"),
        ],
        indices: [new TableIndex({ name: "ix_job_chunks_status", columnNames: ["status", "lease_expires_at"] })],
        foreignKeys: [{ columnNames: ["job_id"], referencedTableName: "jobs", referencedColumnNames: ["id"] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("job_chunks");
    await queryRunner.dropTable("jobs");
  }
}
