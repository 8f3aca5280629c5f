/**
 * The data a gateway benchmark starts from: many 聊城 低保 beneficiaries (so that the per-person lock
 * is not all that is measured), settled claims to read, and an ADMIN key. Written through the
 * services, then the database is closed and a gateway process started on it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { Principal } from "../../access/principal";
import { openServices } from "../../gateway/bootstrap";
import type { DatabaseConfig } from "../../lib/config";
import { createLogger } from "../../lib/logger";

export interface BenchDatabase {
  name: string;
  config: DatabaseConfig;
  url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary folder. */
export function sqliteDatabase(): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-bench-"));
  const location = path.join(dir, "bench.sqlite");
  return { name: "sqlite", config: { kind: "sqlite", location }, url: `sqlite:${location}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database on the MySQL/MariaDB server of `serverUrl`, dropped afterwards. */
export async function mysqlDatabase(serverUrl: string): Promise<BenchDatabase> {
  const mysql2 = await import("mysql2/promise");
  const name = `bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const connection = await mysql2.createConnection(serverUrl);
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return { name: "mariadb", config: { kind: "mysql", location: target.toString() }, url: target.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** Where every seeded beneficiary lives (the preview publishes a version of its pack). */
export const BENCH_JURISDICTION = "liaocheng";

export interface Seeded {
  key: string;
  beneficiaryIds: string[];
  claimIds: string[];
}

/** Writes `people` beneficiaries with one settled claim each. */
export async function seed(database: BenchDatabase, people: number): Promise<Seeded> {
  const services = await openServices(database.config, createLogger("warn"));
  const system = Principal.system("bench");
  const beneficiaryIds: string[] = [];
  const claimIds: string[] = [];
  try {
    for (let i = 0; i < people; i++) {
      const id = `BENCH-${String(i).padStart(5, "0")}`;
      await services.beneficiaries.upsert(system, { id, jurisdiction: BENCH_JURISDICTION, name: id, identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] });
      await services.claims.submit(system, { id: `${id}-0`, beneficiaryId: id, date: "2023-01-05", kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" } });
      await services.settlements.settleClaim(system, `${id}-0`);
      beneficiaryIds.push(id);
      claimIds.push(`${id}-0`);
    }
    const { key } = await services.apiKeys.create({ role: "ADMIN", jurisdictions: [], name: "bench" }, system, services.packs.jurisdictions());
    return { key, beneficiaryIds, claimIds };
  } finally {
    await services.dataSource.destroy();
  }
}
