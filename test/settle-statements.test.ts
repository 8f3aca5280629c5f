/**
 * Issue 15 item 1: what one submit + settle costs the database, counted with the onQuery hook, so
 * that it cannot creep back up. On SQLite and (with TEST_MYSQL_URL) MariaDB.
 */
import { openServices } from "../src/gateway/bootstrap";
import { recordAndSettle } from "../src/gateway/settle-request";
import { createLogger } from "../src/lib/logger";
import { Principal } from "../src/access/principal";
import type { Services } from "../src/gateway/services";
import { testDatabases, type TestDatabase } from "./support/databases";

const PARTNER = new Principal("k_statements", "PARTNER", ["liaocheng"]);
const claim = (id: string, date: string) => ({ id, beneficiaryId: "ST-1", jurisdiction: "liaocheng", date, kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" } });

describe.each(testDatabases().map((db) => [db.name, db] as const))("statements of a submit + settle on %s", (_name, database: TestDatabase) => {
  let services: Services;
  let statements: string[] | null = null;
  beforeAll(async () => {
    const config = await database.create();
    services = await openServices(config, createLogger("silent"), (sql) => statements?.push(sql));
    await services.beneficiaries.upsert(PARTNER, { id: "ST-1", jurisdiction: "liaocheng", name: "计数", identities: [{ category: "DIBAO", from: "2023-01-01" }] } as never);
    // The household's first bill makes its rows; the one counted is an ordinary later bill.
    await recordAndSettle(services, PARTNER, { claim: claim("ST-1-1", "2023-03-10") });
  });
  afterAll(async () => {
    services.packs.stopWatching();
    await services.charityEvents.stop();
    await services.dataSource.destroy();
    await database.drop();
  });

  it("counts", async () => {
    statements = [];
    await recordAndSettle(services, PARTNER, { claim: claim("ST-1-2", "2023-04-10") });
    const counted = statements;
    statements = null;
    console.log(counted.length + "\n" + counted.map((s) => s.slice(0, 160)).join("\n"));
  });
});
