/**
 * Every scenario of test/scenarios/ through the federation spread out over four processes: the
 * beneficiaries, settlements and charity subgraphs, each on its own database, and the gateway. The
 * settlements subgraph reads people's categories from the beneficiaries subgraph (BENEFICIARY_SOURCE),
 * never from a table of its own, and hands its settlement events to the charity subgraph's process
 * (CHARITY_EVENTS_URL); afterwards check-data finds no violation in either database.
 */
import { runScenarioFilesOnGateway } from "../src/scenario/gateway-runner";
import { projectPath } from "../src/lib/project";
import { testDatabases } from "./support/databases";
import { distScript, runToEnd } from "./support/processes";
import { createKey, databasesFor, startFederatedGateway, startSubgraph, stop, type RunningProcess } from "./support/federation";

const kinds = testDatabases().map((database, i) => ({ name: database.name, make: () => testDatabases()[i] }));

describe.each(kinds)("scenarios through the federation in four processes on $name", ({ make }) => {
  let databases: Awaited<ReturnType<typeof databasesFor>>;
  const running: RunningProcess[] = [];
  let gateway: RunningProcess;
  let settlements: RunningProcess;
  let charityDatabaseUrl: string;
  let admin: string;

  beforeAll(async () => {
    databases = await databasesFor(make, 4);
    const [beneficiariesDb, settlementsDb, charityDb, gatewayDb] = databases.map((d) => d.url);
    const beneficiaries = await startSubgraph("beneficiaries", beneficiariesDb!);
    const charity = await startSubgraph("charity", charityDb!);
    charityDatabaseUrl = charityDb!;
    const charityBase = charity.url.replace(/\/graphql$/, "");
    settlements = await startSubgraph("settlements", settlementsDb!, { BENEFICIARY_SOURCE: beneficiaries.url, CHARITY_EVENTS_URL: `${charityBase}/events`, CHARITY_ALLOCATIONS_URL: `${charityBase}/allocations` });
    running.push(beneficiaries, settlements, charity);
    admin = await createKey(gatewayDb!, "--role", "ADMIN", "--name", "scenarios");
    gateway = await startFederatedGateway(gatewayDb!, { beneficiaries: beneficiaries.url, settlements: settlements.url, charity: charity.url });
    running.push(gateway);
  }, 240_000);

  afterAll(async () => {
    for (const process of running.reverse()) await stop(process.child);
    for (const { database } of databases ?? []) await database.drop();
  });

  it("passes every scenario of test/scenarios", async () => {
    const checks = await runScenarioFilesOnGateway([projectPath("test", "scenarios")], gateway.url, admin);
    expect(checks.length).toBeGreaterThan(10);
    expect(checks.filter((c) => !c.passed).map((c) => c.summary)).toEqual([]);
  }, 600_000);

  it("leaves the settlements and charity databases with every money invariant holding", async () => {
    for (const databaseUrl of [settlements.databaseUrl, charityDatabaseUrl]) {
      const checked = await runToEnd(distScript("check-data"), [], { DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" }, 120_000);
      expect(checked.stdout.trim().split("\n").pop()).toMatch(/: 0 violations$/);
      expect(checked.code).toBe(0);
    }
  }, 240_000);
});
