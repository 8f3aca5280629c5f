/**
 * API key lifecycle: an optional expiry, and when a key was last used (kept to the minute, for the
 * `apikey list` of an administrator deciding what to revoke).
 */
import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

export class ApiKeyLifecycle1731650000000 implements MigrationInterface {
  name = "ApiKeyLifecycle1731650000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("api_keys", [
      new TableColumn({ name: "expires_at", type: "varchar", length: "30", isNullable: true }),
      new TableColumn({ name: "last_used_at", type: "varchar", length: "30", isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ["last_used_at", "expires_at"]) await queryRunner.dropColumn("api_keys", column);
  }
}
