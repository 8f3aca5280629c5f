/**
 * Every scenario of test/scenarios/ submitted and settled through the running gateway, over HTTP,
 * on SQLite and (with TEST_MYSQL_URL) MariaDB: the stored settlements must equal the expectations,
 * and refused claims must leave nothing stored; afterwards check-data finds no violation.
 */
import { runScenarioFilesOnGateway } from "../src/scenario/gateway-runner";
import { projectPath } from "../src/lib/project";
import { checkData } from "../src/invariants/check-data";
import { testDatabases } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

describe.each(testDatabases().map((db) => [db.name, db] as const))("scenarios through the gateway on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("passes every scenario of test/scenarios", async () => {
    const checks = await runScenarioFilesOnGateway([projectPath("test", "scenarios")], t.url, t.keys.admin);
    expect(checks.length).toBeGreaterThan(10);
    expect(checks.filter((c) => !c.passed).map((c) => c.summary)).toEqual([]);
  }, 300_000);

  it("passes them again against the same database (fresh ids per run)", async () => {
    const checks = await runScenarioFilesOnGateway([projectPath("test", "scenarios", "design")], t.url, t.keys.admin, "~second-run");
    expect(checks.filter((c) => !c.passed).map((c) => c.summary)).toEqual([]);
  }, 300_000);

  it("leaves a database in which every money invariant holds (check-data: 0 violations)", async () => {
    const violations: string[] = [];
    const summary = await checkData(t.services.dataSource, (line) => violations.push(line));
    expect(violations).toEqual([]);
    expect(summary.settlements).toBeGreaterThan(300);
  }, 120_000);
});
