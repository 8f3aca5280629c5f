/**
 * Issue 14 items 4 and 5: settling reads people's categories through the beneficiary port. Here its
 * remote adapter asks a civil-affairs registry — its own process and data (test/support/registry) —
 * and settles with what the registry certified, with no beneficiary row in the settlements database;
 * an owner that cannot answer (stopped, 5xx, too slow, refusing our signature) refuses settling
 * with BENEFICIARY_SOURCE_UNAVAILABLE (503) and nothing is stored; the registry itself refuses a
 * caller the gateway did not sign. On SQLite and (with TEST_MYSQL_URL) MariaDB.
 */
import { randomBytes } from "node:crypto";
import { openServices } from "../src/gateway/bootstrap";
import { createServices, type Services } from "../src/gateway/services";
import { createLogger } from "../src/lib/logger";
import { DomainError, httpStatusOf } from "../src/lib/errors";
import { Principal } from "../src/access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../src/access/principal-token";
import { testDatabases } from "./support/databases";
import { startRegistry, type RunningRegistry } from "./support/registry/process";
import type { RegistryPerson } from "./support/registry/registry";
import { startReceiver, type Receiver } from "./support/webhook-receiver";
import { RemoteBeneficiarySource } from "../src/beneficiary/remote-source";

const SECRET = randomBytes(24).toString("hex");
const admin = Principal.system("registry-test");

/** Known only to the registry: the settlements database never holds them. */
const PEOPLE: RegistryPerson[] = [
  { jurisdiction: "liaocheng", id: "REG-LC-1", name: "登记一", township: null, nationalId: "370000199001011234", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }], applications: [] },
  {
    jurisdiction: "weihai",
    id: "REG-WH-1",
    name: "登记二",
    township: null,
    nationalId: null,
    identities: [
      { category: "DIBAO", from: "2023-03-01", to: "2023-05-31" },
      { category: "DESTITUTE", from: "2023-06-01", to: null },
    ],
    applications: [],
  },
  {
    jurisdiction: "yichun",
    id: "REG-YC-1",
    name: "登记三",
    township: null,
    nationalId: null,
    identities: [{ category: "DIBAO", from: "2023-01-01", to: "2023-06-30" }],
    applications: [
      { program: "TILT_ASSISTANCE", date: "2023-02-01", status: "PENDING", decidedOn: null },
      { program: "TILT_ASSISTANCE", date: "2022-02-01" },
    ],
    phaseOuts: [{ category: "DIBAO", from: "2023-07-01", to: "2023-12-31" }],
  },
];

/** test/scenarios/design/liaocheng-dibao-single.json's bill (聊政办发〔2022〕5号 三(四)1), under new ids. */
const bill = (id: string) => ({
  id,
  beneficiaryId: "REG-LC-1",
  jurisdiction: "liaocheng",
  date: "2023-03-10",
  kind: "INPATIENT",
  fees: { total: "26000.00", outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" },
  reported: { basic: "6000.00", critical: "0.00" },
});

const TABLES = ["beneficiaries", "claims", "settlements", "settlement_lines", "year_to_date", "adjustments", "settlement_households", "audit_log"];

async function refusal(work: () => Promise<unknown>): Promise<DomainError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("settling with a civil-affairs registry's categories on %s", (_name, database) => {
  let registry: RunningRegistry;
  let services: Services;
  const others: Receiver[] = [];

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of TABLES) result[table] = Number((await services.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return result;
  };
  /** The same database's services, asking another owner. */
  const servicesAsking = async (url: string, secret = SECRET, timeoutMillis = 2_000) => {
    const asking = createServices(services.dataSource, { beneficiarySource: { url, secret, timeoutMillis } });
    await asking.packs.refresh();
    return asking;
  };

  beforeAll(async () => {
    registry = await startRegistry(PEOPLE, SECRET);
    services = await openServices(await database.create(), createLogger("silent"), undefined, { beneficiarySource: { url: registry.url, secret: SECRET, timeoutMillis: 5_000 } });
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    for (const receiver of others) await receiver.close();
    await services?.dataSource.destroy();
    await database.drop();
  });

  it("settles a claim with the registry's categories, with no beneficiary row here", async () => {
    await services.claims.submit(admin, bill("REG-LC-1-1"));
    const settlement = await services.settlements.settleClaim(admin, "REG-LC-1-1", "liaocheng");
    const lines = await services.settlements.repository.linesOf(services.dataSource.manager, [settlement.id]);
    const paid = Object.fromEntries(lines.filter((l) => !l.amount.isZero()).map((l) => [l.tier, l.amount.toFixed(2)]));
    // The scenario's figures: basic 6,000 reported; assistance 70% of 26,000 − 6,000 = 14,000 (低保: no
    // deductible, cap 30,000); left 6,000, re-assistance 70% of its part above 5,000 = 700; self-pay 5,300.
    expect(paid).toEqual({ basic: "6000.00", assistance: "14000.00", reassistance: "700.00" });
    expect(settlement.selfPay.toFixed(2)).toBe("5300.00");
    expect(settlement.category).toBe("DIBAO");
    expect(await counts()).toMatchObject({ beneficiaries: 0, claims: 1, settlements: 1, settlement_households: 1 });
  });

  it("answers a person the registry does not know, or does not show the key, as missing (NOT_FOUND)", async () => {
    const unknown = await refusal(() => services.claims.submit(admin, { ...bill("REG-LC-404-1"), beneficiaryId: "REG-LC-404" }));
    expect([unknown.code, unknown.field]).toEqual(["NOT_FOUND", "input.beneficiaryId"]);
    // Asked in batches (here of one), the answers come back together, the unknown one left out.
    const batched = new RemoteBeneficiarySource({ url: registry.url, secret: SECRET, batchSize: 1 });
    const found = await batched.records(["liaocheng:REG-LC-1", "liaocheng:REG-LC-404", "weihai:REG-WH-1"], { principal: admin });
    expect([...found.keys()].sort()).toEqual(["liaocheng:REG-LC-1", "weihai:REG-WH-1"]);
    expect(found.get("weihai:REG-WH-1")!.beneficiary.identities.map((p) => p.category)).toEqual(["DIBAO", "DESTITUTE"]);
    const otherJurisdiction = await refusal(() => services.settlements.annualSummary(new Principal("k-weihai", "PARTNER", ["weihai"]), "REG-LC-1", 2023));
    expect(otherJurisdiction.code).toBe("NOT_FOUND");
  });

  it("reads an application's decision and the phase-outs from the registry (a pending application grants nothing)", async () => {
    const source = new RemoteBeneficiarySource({ url: registry.url, secret: SECRET });
    const person = (await source.records(["yichun:REG-YC-1"], { principal: admin })).get("yichun:REG-YC-1")!.beneficiary;
    expect(person.applications).toEqual([
      { program: "TILT_ASSISTANCE", date: "2023-02-01", status: "PENDING", decidedOn: null },
      // Sent without a decision: taken as approved on its date (src/engine/applications.ts).
      { program: "TILT_ASSISTANCE", date: "2022-02-01", status: "APPROVED", decidedOn: "2022-02-01" },
    ]);
    expect(person.phaseOuts).toEqual([{ category: "DIBAO", from: "2023-07-01", to: "2023-12-31" }]);
  });

  it("reads the premium subsidy and its report from the registry's people (威海, as test/premium.test.ts)", async () => {
    const person = await services.premium.forPerson(admin, "REG-WH-1", 2023);
    expect(person).toMatchObject({ category: "DIBAO", basis: "FIRST_IN_YEAR", ruleId: "wh-premium-tier1", missing: ["premiumStandardTier1"] });
    const report = await services.premium.report(admin, "weihai", 2023);
    expect(report.people).toBe(1);
    expect(report.rows.map((r) => [r.category, r.count])).toEqual([["DIBAO", 1]]);
  });

  it("refuses settling (503), storing nothing, when the owner answers 5xx, too late, or refuses our signature", async () => {
    await services.claims.submit(admin, bill("REG-LC-1-2"));
    const before = await counts();
    const failing = await startReceiver(() => 500);
    const hanging = await startReceiver(() => "hang");
    others.push(failing, hanging);

    const askingFailing = await servicesAsking(failing.url);
    const on500 = await refusal(() => askingFailing.settlements.settleClaim(admin, "REG-LC-1-2", "liaocheng"));
    expect(on500.code).toBe("BENEFICIARY_SOURCE_UNAVAILABLE");
    expect(on500.message).toMatch(/HTTP 500/);
    const late = await refusal(async () => (await servicesAsking(hanging.url, SECRET, 300)).settlements.settleClaim(admin, "REG-LC-1-2", "liaocheng"));
    expect(late.code).toBe("BENEFICIARY_SOURCE_UNAVAILABLE");
    expect(late.message).toMatch(/within 300 ms/);
    const unsigned = await refusal(async () => (await servicesAsking(registry.url, "another secret of at least 32 chars!")).settlements.settleClaim(admin, "REG-LC-1-2", "liaocheng"));
    expect(unsigned.code).toBe("BENEFICIARY_SOURCE_UNAVAILABLE");
    expect(unsigned.message).toMatch(/UNAUTHENTICATED/);
    // A new bill is refused at the door the same way.
    const submitted = await refusal(() => askingFailing.claims.submit(admin, bill("REG-LC-1-3")));
    expect(submitted.code).toBe("BENEFICIARY_SOURCE_UNAVAILABLE");

    expect(await counts()).toEqual(before);
    expect((await services.claims.get(admin, "REG-LC-1-2", "liaocheng")).status).toBe("SUBMITTED");
  });

  it("is refused by the registry without the gateway's signature, or with a forged one; _service alone is open", async () => {
    const ask = (query: string, headers: Record<string, string> = {}) =>
      fetch(registry.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables: { r: [{ __typename: "Beneficiary", jurisdiction: "liaocheng", id: "REG-LC-1" }] } }) });
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Beneficiary { name nationalId identities { category } } } }`;

    const untrusted: Array<Record<string, string>> = [{}, { [PRINCIPAL_HEADER]: signPrincipal(admin, "a forged secret, 32 characters or more") }, { [PRINCIPAL_HEADER]: "not.a-token" }];
    for (const headers of untrusted) {
      const refused = await ask(entities, headers);
      expect(refused.status).toBe(401);
      const body = (await refused.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(body.data).toBeUndefined();
    }

    const partner = await ask(entities, { [PRINCIPAL_HEADER]: signPrincipal(new Principal("k-lc", "PARTNER", ["liaocheng"]), SECRET) });
    expect(await partner.json()).toEqual({ data: { _entities: [{ name: "登记一", nationalId: "370*************34", identities: [{ category: "DIBAO" }] }] } });

    const sdl = (await (await ask("{ _service { sdl } }")).json()) as { data: { _service: { sdl: string } } };
    expect(sdl.data._service.sdl).toMatch(/type Beneficiary\s+@key\(fields: "jurisdiction id"\)/);
  });

  it("refuses settling (503), storing nothing, once the registry is stopped", async () => {
    const before = await counts();
    await registry.stop();
    const stopped = await refusal(() => services.settlements.settleClaim(admin, "REG-LC-1-2", "liaocheng"));
    expect([stopped.code, httpStatusOf(stopped.code)]).toEqual(["BENEFICIARY_SOURCE_UNAVAILABLE", 503]);
    expect(stopped.message).toMatch(/could not be reached/);
    expect(await counts()).toEqual(before);
  });
});
