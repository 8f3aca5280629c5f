/**
 * Limits on one request, over HTTP as a PARTNER would send it: huge alias queries, JSON values,
 * page sizes. Each is refused fast with 400 and nothing runs.
 */
import { Principal } from "../src/access/principal";
import { scopedKey } from "../src/access/tenant-ids";
import { ClaimEntity } from "../src/claim/claim.entity";
import { Money } from "../src/lib/money";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

function aliases(count: number, selection: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(" ")} }`;
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("query limits on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function refused(query: string, variables: Record<string, unknown> = {}) {
    const started = Date.now();
    const result = await gql(t.url, t.keys.partner, query, variables);
    return { ...result, ms: Date.now() - started };
  }

  it.each([
    ["6,000 aliases of rulePacks { document }", aliases(6000, "rulePacks { document }")],
    ["2,300 aliases of a JSON field", aliases(2300, "rulePacks { document }")],
    ["12,000 aliases", aliases(12000, "rulePacks { id }")],
  ])("refuses %s with a fast 400 QUERY_TOO_COMPLEX", async (_what, query) => {
    const result = await refused(query);
    expect(result.status).toBe(400);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
    expect(result.errors![0].message).toContain("tokens");
    expect(result.ms).toBeLessThan(2000);
  });

  it("refuses more aliases than the limit even when the query is short and cheap", async () => {
    const result = await refused(aliases(100, "rulePacks { id }"));
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
    expect(result.errors![0].message).toContain("aliases");
  });

  it("refuses too many directives", async () => {
    const result = await refused(`{ rulePacks { id ${Array.from({ length: 60 }, () => "@include(if: true)").join(" ")} } }`);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
    expect(result.errors![0].message).toContain("directives");
  });

  it("counts a JSON value by its size: a few pack documents are too costly, one is not", async () => {
    const one = await gql(t.url, t.keys.partner, "{ rulePacks { id document } }");
    expect(one.status).toBe(200);
    expect(one.data!.rulePacks.length).toBeGreaterThan(0);
    const twenty = await refused(aliases(20, "rulePacks { document }"));
    expect(twenty.status).toBe(400);
    expect(twenty.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
  });

  it.each([["-1000"], ["0"]])("refuses first: %s with INVALID_INPUT naming first, before anything runs", async (first) => {
    const literal = await refused(`{ beneficiaries(first: ${first}) { edges { node { id claims { settlementHistory { lines { figures } } } } } } }`);
    expect(literal.status).toBe(400);
    expect(literal.data).toBeNull();
    expect(literal.errors![0].extensions).toMatchObject({ code: "INVALID_INPUT", field: "first" });
    const variable = await refused(`query ($first: Int!) { beneficiaries(first: $first) { edges { node { id } } } }`, { first: Number(first) });
    expect(variable.status).toBe(400);
    expect(variable.errors![0].extensions).toMatchObject({ code: "INVALID_INPUT", field: "first" });
  });

  it("counts an absurd first at its size: refused as too complex", async () => {
    const result = await refused(`{ beneficiaries(first: 2000000000) { edges { node { id name } } } }`);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
  });

  it("still answers variables of the wrong type with a 400 that names the variable", async () => {
    const result = await refused(`query ($first: Int!) { beneficiaries(first: $first) { edges { node { id } } } }`, { first: "many" });
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("refuses an operation whose cost cannot be computed instead of running it", async () => {
    // With the parse and alias limits raised, 12,000 cheap fields pass them but exceed the number of
    // nodes the cost estimator walks: refused, not run uncounted.
    const another = testDatabases().find((candidate) => candidate.name === database.name)!;
    const lax = await startTestGateway(another, { limits: { maxQueryTokens: 1_000_000, maxQueryAliases: 1_000_000 } });
    try {
      const result = await gql(lax.url, lax.keys.partner, aliases(12000, "__typename"));
      expect(result.status).toBe(400);
      expect(result.data).toBeNull();
      expect(result.errors![0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
      expect(result.errors![0].message).toContain("cannot be computed");
    } finally {
      await lax.stop();
    }
  });
});

/** A household of `count` submitted bills, stored in bulk: the estimate cannot know their number. */
async function bigHousehold(t: TestGateway, id: string, count: number): Promise<void> {
  await t.services.beneficiaries.upsert(Principal.system("test"), { id, jurisdiction: "liaocheng", name: id, identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] });
  const zero = new Money("0.00");
  const rows = Array.from({ length: count }, (_, i) => ({
    id: scopedKey("liaocheng", `${id}-${i}`), beneficiaryId: scopedKey("liaocheng", id), jurisdiction: "liaocheng",
    date: `2023-${String(1 + (i % 12)).padStart(2, "0")}-10`, year: 2023, kind: "OUTPATIENT_GENERAL", referred: true, inProvince: true, guidanceFollowed: true,
    total: new Money("100.00"), outOfCatalog: zero, classBSelfPay: zero, overStandard: zero, reportedBasic: null, reportedCritical: null,
    reportedAssistance: null, reportedReassistance: null, reportedCommercial: null, fingerprint: `f${i}`, status: "SUBMITTED" as const,
    sequence: i + 1, submittedBy: "test", submittedAt: "2023-12-31T00:00:00.000Z",
  }));
  for (let i = 0; i < rows.length; i += 100) await t.services.dataSource.getRepository(ClaimEntity).insert(rows.slice(i, i + 100));
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("a household of 1,000 bills on %s", (_name, database) => {
  const NODES = 3_000;
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database, { limits: { maxResultNodes: NODES } });
    await bigHousehold(t, "BIG", 1000);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** Runs a query while /healthz is asked alongside: the gateway must keep answering it. */
  async function whileHealthChecked(query: string) {
    const started = Date.now();
    const [result, health] = await Promise.all([
      gql(t.url, t.keys.partner, query),
      (async () => {
        const asked = Date.now();
        const response = await fetch(`${t.url}/healthz`);
        return { status: response.status, ms: Date.now() - asked };
      })(),
    ]);
    return { result, health, ms: Date.now() - started };
  }

  it("answers the household's bills when the answer fits", async () => {
    const result = await gql(t.url, t.keys.partner, `{ beneficiary(id: "BIG") { claims { id } } }`);
    expect(result.status).toBe(200);
    expect(result.data!.beneficiary.claims).toHaveLength(1000);
  });

  it("prices the household's bills at the most a year may hold: the nested query is refused before it runs", async () => {
    const { result, health, ms } = await whileHealthChecked(`{ beneficiary(id: "BIG") { claims { id date beneficiary { claims { id date } } } } }`);
    expect(result.status).toBe(400);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toEqual({ code: "QUERY_TOO_COMPLEX", field: "query" });
    expect(result.errors![0].message).toContain("query cost");
    expect(ms).toBeLessThan(2000);
    expect(health.status).toBe(200);
  });

  it("stops a query the estimate admits once it has resolved more fields than the limit, and sends none of them", async () => {
    // 1,000 bills of 3 fields: 4,000 by the estimate (under the cost limit), 3,000 and more resolved.
    const { result, health, ms } = await whileHealthChecked(`{ beneficiary(id: "BIG") { id claims { id date kind } } }`);
    expect(result.status).toBe(400);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toEqual({ code: "QUERY_TOO_COMPLEX", field: "query" });
    expect(result.errors![0].message).toContain(`more than ${NODES} fields`);
    expect(ms).toBeLessThan(2000);
    expect(health.status).toBe(200);
  });
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("the result-node limit on both paths on %s", (_name, database) => {
  const NODES = 10;
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database, { limits: { maxResultNodes: NODES } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("refuses alike an answer over the limit sent whole by its one owner and one planned over two owners", async () => {
    // Every pack's versions, 3 fields each: more than 10 fields either way.
    const forwarded = await gql(t.url, t.keys.admin, `{ rulePacks { id version title } }`);
    const planned = await gql(t.url, t.keys.admin, `{ rulePacks { id version title } charityFunds { id } }`);
    for (const result of [forwarded, planned]) {
      expect(result.status).toBe(400);
      expect(result.data).toBeNull();
      expect(result.errors).toEqual([{ message: expect.stringContaining(`more than ${NODES} fields`), extensions: { code: "QUERY_TOO_COMPLEX", field: "query" } }]);
    }
  });
});
