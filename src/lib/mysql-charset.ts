/**
 * MySQL/MariaDB tables hold Chinese text: they must be utf8mb4 whatever the server's default (a
 * latin1 default makes the first Chinese name fail). Run before the migrations, so that every table
 * they create — ours, later ones, and TypeORM's own `migrations` table — inherits utf8mb4 from the
 * database, and tables left latin1 by a start that failed that way are converted.
 */
import type { DataSource } from "typeorm";

const UTF8MB4 = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

export async function ensureUtf8mb4(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== "mysql") return;
  const [schema] = await dataSource.query("SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()");
  if (schema.charset !== "utf8mb4") await dataSource.query(`ALTER DATABASE \`${schema.name}\` ${UTF8MB4}`);
  const tables: Array<{ name: string }> = await dataSource.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COLLATION NOT LIKE 'utf8mb4%'",
  );
  if (tables.length === 0) return;
  const runner = dataSource.createQueryRunner();
  try {
    // Foreign keys join varchar columns, which change together here.
    await runner.query("SET FOREIGN_KEY_CHECKS = 0");
    for (const table of tables) await runner.query(`ALTER TABLE \`${table.name}\` CONVERT TO ${UTF8MB4}`);
  } finally {
    await runner.query("SET FOREIGN_KEY_CHECKS = 1").catch(() => undefined);
    await runner.release();
  }
}
