/**
 * Every write through one door (src/lib/db.ts): no `.transaction(` elsewhere in src/, and on
 * SQLite (one connection) a write that runs while another request's transaction is open keeps its
 * effect when that transaction rolls back — on MariaDB too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Principal } from "../src/access/principal";
import { ApiKeyEntity } from "../src/access/access.entity";
import { SettlementEntity } from "../src/settlement/settlement.entity";
import { ClaimEntity } from "../src/claim/claim.entity";
import type { DataSource } from "typeorm";
import { afterCommit, createDataSource, DEFAULT_CONFLICT_RETRY, transactionsOf } from "../src/lib/db";
import { DomainError } from "../src/lib/errors";
import { testDatabases, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

const SOURCE = path.join(__dirname, "..", "src");
const DOOR = path.join(SOURCE, "lib", "db.ts");
/**
 * The benchmark's storage floor: raw driver transactions into scratch tables of its own benchmark
 * database, measuring what the driver does without the door. It never touches a product table.
 */
const RAW_FLOOR = path.join(SOURCE, "bench", "gateway", "storage.ts");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("the transaction door", () => {
  it("no file of src/ but src/lib/db.ts opens a transaction itself", () => {
    const found = sourceFiles(SOURCE)
      .filter((file) => file !== DOOR && file !== RAW_FLOOR)
      .flatMap((file) =>
        fs
          .readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${path.relative(SOURCE, file)}:${i + 1}` }))
          .filter(({ line }) => /\.transaction\(|\.startTransaction\(/.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(found).toEqual([]);
  });
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("writes beside a failing settlement on %s", (_name, database) => {
  let t: TestGateway;
  const system = Principal.system("test");

  beforeAll(async () => {
    t = await startTestGateway(database);
    await t.services.beneficiaries.upsert(system, { id: "DOOR-1", jurisdiction: "yueqing", name: "门", township: null, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
    await t.services.claims.submit(system, {
      id: "DOOR-1-1",
      beneficiaryId: "DOOR-1",
      date: "2023-05-01",
      kind: "INPATIENT",
      fees: { total: "40000.00", outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" },
      reported: { basic: "15000.00", critical: "0.00", commercial: "0.00" },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("a key revoked and a key used while a settlement is open both stay written when the settlement rolls back", async () => {
    const known = t.services.packs.jurisdictions();
    const revoked = await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["yueqing"], name: "to revoke" }, Principal.system("test"), known);
    const used = await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["yueqing"], name: "to use" }, Principal.system("test"), known);

    // A settlement that fails late (after its rows are written), held open until the others have run.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const failLate = async () => {
      entered();
      await gate;
      throw new Error("a late failure");
    };
    t.services.settlements.afterSettlement.push(failLate);
    try {
      const settling = t.services.settlements.settleClaim(system, "DOOR-1-1").then(
        () => "settled",
        (error: Error) => error.message,
      );
      await inside;
      const revoking = t.services.apiKeys.revoke({ id: revoked.id }, Principal.system("test"));
      const authenticating = t.services.apiKeys.authenticate(`Bearer ${used.key}`);
      // Long enough for a write outside the door to run inside the open transaction.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      expect(await settling).toBe("a late failure");
      expect((await revoking).revokedNow).toBe(true);
      await authenticating;
    } finally {
      t.services.settlements.afterSettlement.splice(t.services.settlements.afterSettlement.indexOf(failLate), 1);
    }

    const manager = t.services.dataSource.manager;
    expect(await manager.countBy(SettlementEntity, { claimId: "yueqing:DOOR-1-1" })).toBe(0);
    expect((await manager.findOneByOrFail(ClaimEntity, { id: "yueqing:DOOR-1-1" })).status).not.toBe("SETTLED");
    expect((await manager.findOneByOrFail(ApiKeyEntity, { id: revoked.id })).revokedAt).not.toBeNull();
    expect((await manager.findOneByOrFail(ApiKeyEntity, { id: used.id })).lastUsedAt).not.toBeNull();
  }, 30_000);
});

/** A bare DataSource on a fresh database with one table of counters (the door needs no entities). */
async function counters(database: TestDatabase): Promise<DataSource> {
  const dataSource = createDataSource(await database.create(), { entities: [], migrations: [] });
  await dataSource.initialize();
  await dataSource.query("CREATE TABLE door_rows (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB");
  await dataSource.query("INSERT INTO door_rows (id, n) VALUES (1, 0), (2, 0)");
  return dataSource;
}

const mariadb = testDatabases().find((db) => db.name === "mariadb");
if (!mariadb) console.warn("transaction-door: TEST_MYSQL_URL is not set; the deadlock retries are not tested (they need MariaDB)");
(mariadb ? describe : describe.skip)("the door runs again a transaction that lost a conflict (MariaDB)", () => {
  let dataSource: DataSource;
  const valueOf = async (id: number) => Number((await dataSource.query("SELECT n FROM door_rows WHERE id = ?", [id]))[0].n);

  beforeAll(async () => {
    dataSource = await counters(mariadb!);
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await mariadb!.drop();
  });

  it("two transactions that lock two rows in opposite orders both commit: the deadlock's loser runs again whole, and only its committed attempt's after-commit callbacks run", async () => {
    const door = transactionsOf(dataSource);
    const [before1, before2] = [await valueOf(1), await valueOf(2)];
    const attempts = { a: 0, b: 0 };
    const committedAttempts = { a: [] as number[], b: [] as number[] };
    // Each first attempt holds its first row until the other holds its own: then each asks for the
    // other's row, and InnoDB refuses one of them with 1213.
    let arrived = 0;
    let bothHold!: () => void;
    const holding = new Promise<void>((resolve) => (bothHold = resolve));
    const cross = (name: "a" | "b", first: number, second: number) =>
      door.run(async (manager) => {
        const attempt = ++attempts[name];
        afterCommit(manager, async () => void committedAttempts[name].push(attempt));
        await manager.query("UPDATE door_rows SET n = n + 1 WHERE id = ?", [first]);
        if (attempt === 1) {
          if (++arrived === 2) bothHold();
          await holding;
        }
        await manager.query("UPDATE door_rows SET n = n + 1 WHERE id = ?", [second]);
        return attempt;
      });
    const results = await Promise.all([cross("a", 1, 2), cross("b", 2, 1)]);
    expect([...results].sort()).toEqual([1, 2]);
    expect(committedAttempts).toEqual({ a: [results[0]], b: [results[1]] });
    // Each transaction added one to both rows, once.
    expect([await valueOf(1), await valueOf(2)]).toEqual([before1 + 2, before2 + 2]);
  }, 30_000);

  it("gives up after its attempts and changes nothing when every attempt loses; other errors are not retried", async () => {
    const door = transactionsOf(dataSource);
    // The default's attempts, with waits short enough for a test.
    door.conflictRetry = { ...DEFAULT_CONFLICT_RETRY, firstWaitMs: 1, maxWaitMs: 4 };
    const before = await valueOf(1);
    let attempts = 0;
    const losing = door.run(async (manager) => {
      attempts++;
      await manager.query("UPDATE door_rows SET n = n + 1 WHERE id = 1");
      // What mysql2 throws when the server picks this transaction as a conflict's loser.
      throw Object.assign(new Error("Deadlock found when trying to get lock; try restarting transaction"), { errno: 1213, code: "ER_LOCK_DEADLOCK" });
    });
    await expect(losing).rejects.toMatchObject({ errno: 1213 });
    expect(attempts).toBe(DEFAULT_CONFLICT_RETRY.attempts);
    expect(await valueOf(1)).toBe(before);

    let domainAttempts = 0;
    const refused = door.run(async () => {
      domainAttempts++;
      throw new DomainError("CONFLICT", "id", "a refusal is an answer, not a conflict to retry");
    });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    expect(domainAttempts).toBe(1);
  }, 30_000);
});
