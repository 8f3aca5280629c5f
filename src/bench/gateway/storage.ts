/**
 * The storage floor: what the database itself takes to store a batch's rows, with nothing of the
 * gateway in between. Per bill the rows a settled bill stores — its `claims` row, its `settlements`
 * row and its `settlement_lines` — copied from a seeded settled claim into scratch tables of the same
 * shape (columns and indexes), with raw prepared statements: better-sqlite3 prepared inserts on
 * SQLite, mysql2 multi-row inserts on MariaDB, in transactions of STORAGE_CHUNK_BILLS bills (the
 * issue's batch writes as much per transaction). The scratch tables are dropped afterwards. On
 * MariaDB `CREATE TABLE … LIKE` copies columns and indexes but not foreign keys, so the floor there
 * is a little faster than the real tables allow.
 */
import { randomUUID } from "node:crypto";
import type { BenchDatabase } from "./setup";

/** Bills per transaction (and per multi-row insert on MariaDB). */
export const STORAGE_CHUNK_BILLS = 1000;

/** The tables one settled bill writes, in the order their rows reference each other. */
const TABLES = ["claims", "settlements", "settlement_lines"] as const;
type Table = (typeof TABLES)[number];
type Row = Record<string, unknown>;

/** One bill's rows per table, read from a seeded settled claim. */
interface SampleBill {
  claimId: string;
  settlementId: string;
  rows: Record<Table, Row[]>;
}

const SCRATCH = "bench_scratch_";

/**
 * A bill's rows with new keys: the claim id and the settlement id replaced wherever they occur,
 * the lines' generated `id` left to the database.
 */
function billRows(sample: SampleBill, index: number): Record<Table, Row[]> {
  const claimId = `${sample.claimId}-s${index}`;
  const settlementId = randomUUID();
  const rekey = (row: Row): Row => {
    const copy: Row = {};
    for (const [column, value] of Object.entries(row)) copy[column] = value === sample.claimId ? claimId : value === sample.settlementId ? settlementId : value;
    return copy;
  };
  return {
    claims: sample.rows.claims.map(rekey),
    settlements: sample.rows.settlements.map(rekey),
    settlement_lines: sample.rows.settlement_lines.map(({ id: _generated, ...line }) => rekey(line)),
  };
}

/** What a storage run measured. */
export interface StorageResult {
  bills: number;
  rows: number;
  seconds: number;
  billsPerSecond: number;
}

async function timed(bills: number, write: () => Promise<number>): Promise<StorageResult> {
  const started = process.hrtime.bigint();
  const rows = await write();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { bills, rows, seconds, billsPerSecond: bills / seconds };
}

/** SQLite: the scratch tables from the originals' own CREATE statements (indexes too), then prepared inserts. */
async function sqliteFloor(location: string, sampleClaimId: string, bills: number): Promise<StorageResult> {
  const Database = (await import("better-sqlite3")).default;
  const db = new Database(location);
  try {
    const sample = sqliteSample(db, sampleClaimId);
    for (const table of TABLES) {
      db.exec(`DROP TABLE IF EXISTS "${SCRATCH}${table}"`);
      const statements = db.prepare("SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC").all(table) as Array<{ type: string; sql: string }>;
      for (const { sql } of statements) db.exec(scratchDdl(sql, table));
    }
    const inserts = new Map<Table, (row: Row) => unknown>();
    const writeChunk = db.transaction((from: number, to: number) => {
      let rows = 0;
      for (let i = from; i < to; i++) {
        const bill = billRows(sample, i);
        for (const table of TABLES) for (const row of bill[table]) {
          let insert = inserts.get(table);
          if (!insert) {
            const columns = Object.keys(row);
            const statement = db.prepare(`INSERT INTO "${SCRATCH}${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
            insert = (values: Row) => statement.run(...columns.map((c) => values[c]));
            inserts.set(table, insert);
          }
          insert(row);
          rows++;
        }
      }
      return rows;
    });
    try {
      return await timed(bills, async () => {
        let rows = 0;
        for (let from = 0; from < bills; from += STORAGE_CHUNK_BILLS) rows += writeChunk(from, Math.min(bills, from + STORAGE_CHUNK_BILLS));
        return rows;
      });
    } finally {
      for (const table of [...TABLES].reverse()) db.exec(`DROP TABLE IF EXISTS "${SCRATCH}${table}"`);
    }
  } finally {
    db.close();
  }
}

/** A table's or index's CREATE statement, renamed to the scratch table (and a scratch index name). */
function scratchDdl(sql: string, table: Table): string {
  return sql
    .replace(new RegExp(`^CREATE TABLE "${table}"`), `CREATE TABLE "${SCRATCH}${table}"`)
    .replace(/^CREATE (UNIQUE )?INDEX "([^"]+)" ON "([^"]+)"/, (_all, unique: string | undefined, index: string) => `CREATE ${unique ?? ""}INDEX "${SCRATCH}${index}" ON "${SCRATCH}${table}"`)
    // Foreign keys stay checked, as on the real tables: among the scratch tables, the new keys are there.
    .replace(/REFERENCES "([^"]+)"/g, (all, referenced: string) => ((TABLES as readonly string[]).includes(referenced) ? `REFERENCES "${SCRATCH}${referenced}"` : all));
}

function sqliteSample(db: import("better-sqlite3").Database, claimId: string): SampleBill {
  const claims = db.prepare(`SELECT * FROM "claims" WHERE id = ?`).all(claimId) as Row[];
  const settlements = db.prepare(`SELECT * FROM "settlements" WHERE claim_id = ?`).all(claimId) as Row[];
  if (claims.length !== 1 || settlements.length !== 1) throw new Error(`storage floor: seeded claim ${claimId} has ${claims.length} claim rows and ${settlements.length} settlements`);
  const settlementId = String(settlements[0].id);
  const lines = db.prepare(`SELECT * FROM "settlement_lines" WHERE settlement_id = ?`).all(settlementId) as Row[];
  return { claimId, settlementId, rows: { claims, settlements, settlement_lines: lines } };
}

/** MariaDB: `CREATE TABLE … LIKE` (columns and indexes), then one multi-row INSERT per table and chunk. */
async function mysqlFloor(url: string, sampleClaimId: string, bills: number): Promise<StorageResult> {
  const mysql2 = await import("mysql2/promise");
  // Strings in, strings out: DECIMAL and dates go back exactly as they came.
  const connection = await mysql2.createConnection({ uri: url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const select = async (sql: string, value: string) => (await connection.query(sql, [value]))[0] as Row[];
    const claims = await select("SELECT * FROM claims WHERE id = ?", sampleClaimId);
    const settlements = await select("SELECT * FROM settlements WHERE claim_id = ?", sampleClaimId);
    if (claims.length !== 1 || settlements.length !== 1) throw new Error(`storage floor: seeded claim ${sampleClaimId} has ${claims.length} claim rows and ${settlements.length} settlements`);
    const settlementId = String(settlements[0].id);
    const lines = await select("SELECT * FROM settlement_lines WHERE settlement_id = ?", settlementId);
    const sample: SampleBill = { claimId: sampleClaimId, settlementId, rows: { claims, settlements, settlement_lines: lines } };
    for (const table of TABLES) {
      await connection.query(`DROP TABLE IF EXISTS \`${SCRATCH}${table}\``);
      await connection.query(`CREATE TABLE \`${SCRATCH}${table}\` LIKE \`${table}\``);
    }
    const sqlValue = (value: unknown) => (value !== null && typeof value === "object" && !Buffer.isBuffer(value) ? JSON.stringify(value) : value);
    try {
      return await timed(bills, async () => {
        let rows = 0;
        for (let from = 0; from < bills; from += STORAGE_CHUNK_BILLS) {
          const chunk = Array.from({ length: Math.min(bills, from + STORAGE_CHUNK_BILLS) - from }, (_, i) => billRows(sample, from + i));
          await connection.beginTransaction();
          for (const table of TABLES) {
            const rowsOfTable = chunk.flatMap((bill) => bill[table]);
            if (rowsOfTable.length === 0) continue;
            const columns = Object.keys(rowsOfTable[0]);
            const values = rowsOfTable.map((row) => columns.map((column) => sqlValue(row[column])));
            await connection.query(`INSERT INTO \`${SCRATCH}${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES ?`, [values]);
            rows += rowsOfTable.length;
          }
          await connection.commit();
        }
        return rows;
      });
    } finally {
      for (const table of [...TABLES].reverse()) await connection.query(`DROP TABLE IF EXISTS \`${SCRATCH}${table}\``);
    }
  } finally {
    await connection.end();
  }
}

/** Stores `bills` bills' rows (shaped as those of the stored claim key `sampleClaimId`) raw, and times it. */
export function measureStorageFloor(database: BenchDatabase, sampleClaimId: string, bills: number): Promise<StorageResult> {
  return database.config.kind === "sqlite" ? sqliteFloor(database.config.location, sampleClaimId, bills) : mysqlFloor(database.url, sampleClaimId, bills);
}
