/**
 * Multi-row INSERTs through the caller's transaction, written as plain parameterised SQL from the
 * entity's metadata. TypeORM's insert builder spent about a millisecond per row of a batch on
 * building and escaping the statement; the values still go through the driver's own conversion
 * (column transformers — money as exact text — and booleans), so rows are stored as TypeORM stores them.
 */
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/** Inserts rows (generated columns left to the database) in statements of at most `perStatement` rows. */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: ReadonlyArray<Partial<T>>, perStatement: number): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const columns = metadata.columns.filter((column) => !(column.isGenerated && column.generationStrategy === "increment"));
  const names = columns.map((column) => driver.escape(column.databaseName)).join(", ");
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  for (let start = 0; start < rows.length; start += perStatement) {
    const page = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    for (const row of page) {
      for (const column of columns) {
        const value = column.getEntityValue(row as ObjectLiteral);
        values.push(value === undefined && column.default !== undefined ? column.default : driver.preparePersistentValue(value ?? null, column));
      }
    }
    await manager.query(`INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${page.map(() => placeholders).join(", ")}`, values);
  }
}
