/**
 * Issue 15 item 1: what one submit + settle costs the database, counted with the onQuery hook, so
 * that it cannot creep back up: the API's submit-and-settle is one transaction of at most
 * SETTLE_STATEMENTS statements (49 before the lean path: two transactions' worth of reads, six
 * year_to_date UPDATEs, the person read three times, hooks reading back what was just written).
 * A batch's statements do not grow with its bills. On SQLite and (with TEST_MYSQL_URL) MariaDB.
 */
import { openServices } from "../src/gateway/bootstrap";
import { recordAndSettle } from "../src/gateway/settle-request";
import { createLogger } from "../src/lib/logger";
import { Principal } from "../src/access/principal";
import type { Services } from "../src/gateway/services";
import { testDatabases, type TestDatabase } from "./support/databases";

/** BEGIN to COMMIT of a later bill of a household (聊城: its warning rules read the year). */
const SETTLE_STATEMENTS = 23;

const PARTNER = new Principal("k_statements", "PARTNER", ["liaocheng"]);
const claim = (id: string, beneficiaryId: string, date: string) => ({ id, beneficiaryId, jurisdiction: "liaocheng", date, kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" } });

/** The statements of the first transaction among `statements`, from its start to its commit. */
function firstTransaction(statements: readonly string[]): string[] {
  const start = statements.findIndex((sql) => /^(BEGIN|START TRANSACTION)/i.test(sql));
  const end = statements.findIndex((sql, i) => i > start && /^COMMIT/i.test(sql));
  return statements.slice(start, end + 1);
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("statements of a submit + settle on %s", (_name, database: TestDatabase) => {
  let services: Services;
  let statements: string[] | null = null;
  const counted = async (work: () => Promise<unknown>): Promise<string[]> => {
    statements = [];
    await work();
    const seen = statements;
    statements = null;
    return seen;
  };
  beforeAll(async () => {
    const config = await database.create();
    services = await openServices(config, createLogger("silent"), (sql) => statements?.push(sql));
    for (let i = 1; i <= 20; i++) await services.beneficiaries.upsert(PARTNER, { id: `ST-${i}`, jurisdiction: "liaocheng", name: "计数", identities: [{ category: "DIBAO", from: "2023-01-01" }] });
    // The household's first bill makes its rows; the one counted is an ordinary later bill.
    await recordAndSettle(services, PARTNER, { claim: claim("ST-1-1", "ST-1", "2023-03-10") });
  });
  afterAll(async () => {
    services.packs.stopWatching();
    await services.charityEvents.stop();
    await services.dataSource.destroy();
    await database.drop();
  });

  it(`a submit + settle is one transaction of at most ${SETTLE_STATEMENTS} statements`, async () => {
    const all = await counted(() => recordAndSettle(services, PARTNER, { claim: claim("ST-1-2", "ST-1", "2023-04-10") }));
    // MariaDB's door names the isolation level first; it is not a statement of the settlement.
    const settling = firstTransaction(all.filter((sql) => !/^SET TRANSACTION/i.test(sql)));
    expect(settling.length).toBeLessThanOrEqual(SETTLE_STATEMENTS);
    // One transaction settles: the others after it are the charity's intake of the event.
    expect(all.filter((sql) => /^INSERT INTO [`"]?settlements[`"]?\s*\(/i.test(sql))).toHaveLength(1);
    expect(all.filter((sql) => /year_to_date/i.test(sql) && /^(UPDATE|INSERT)/i.test(sql))).toHaveLength(1);
  });

  it("a batch of 100 bills of 20 households costs fewer statements than bills", async () => {
    const bills = Array.from({ length: 100 }, (_, i) => claim(`SB-${i}`, `ST-${(i % 20) + 1}`, `2023-05-${String((i % 28) + 1).padStart(2, "0")}`));
    const all = await counted(async () => {
      const outcomes = await services.settlements.settleBills(PARTNER, bills, { fieldOf: (i) => `input[${i}]`, listField: "input" });
      expect(outcomes.filter((o) => o.error)).toEqual([]);
    });
    const settling = firstTransaction(all.filter((sql) => !/^SET TRANSACTION/i.test(sql)));
    expect(settling.length).toBeLessThan(bills.length);
    expect(all.filter((sql) => /^INSERT INTO [`"]?settlements[`"]?\s*\(/i.test(sql))).toHaveLength(1);
  });
});
