/**
 * Every relation goes through a per-request DataLoader: a page of beneficiaries with their
 * categories, claims, settlements and settlement lines costs the same small number of SQL
 * statements for 10 rows as for 50.
 */
import { Principal } from "../src/access/principal";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const PAGE = `query ($first: Int!) { beneficiaries(first: $first, filter: { idPrefix: "DL-" }) {
  edges { node { id identities { category } applications { program }
    claims { id fees { total } settlement { packVersion selfPay lines { tier amount ruleId clause } } } } }
  pageInfo { hasNextPage } } }`;

describe.each(testDatabases().map((db) => [db.name, db] as const))("batched reads on %s", (_name, database) => {
  let t: TestGateway;
  let statements: string[] = [];
  beforeAll(async () => {
    // A page of 50 households, each priced at the most bills a year may hold, is over the default
    // cost limit; this test counts statements, not costs.
    t = await startTestGateway(database, { onQuery: (sql) => statements.push(sql), maxQueryCost: 10_000_000 });
    const system = Principal.system("test");
    for (let i = 0; i < 55; i++) {
      const id = `DL-${String(i).padStart(3, "0")}`;
      await t.services.beneficiaries.upsert(system, { id, jurisdiction: "liaocheng", name: id, identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] });
      for (const n of [1, 2]) {
        await t.services.claims.submit(system, {
          id: `${id}-${n}`,
          beneficiaryId: id,
          date: `2023-0${n}-10`,
          kind: "INPATIENT",
          fees: { total: "10000.00" },
          reported: { basic: "3000.00", critical: "0.00" },
        });
        await t.services.settlements.settleClaim(system, `${id}-${n}`);
      }
    }
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  async function statementsFor(first: number): Promise<number> {
    await gql(t.url, t.keys.admin, "{ rulePacks { id } }");
    statements = [];
    const result = await gql(t.url, t.keys.admin, PAGE, { first });
    expect(result.errors).toBeUndefined();
    const edges = result.data!.beneficiaries.edges;
    expect(edges).toHaveLength(first);
    expect(edges[first - 1].node.claims[1].settlement.lines).toHaveLength(6);
    // The key's lookup is cached for two seconds from the warm-up's first use, not from the page's
    // request: on a loaded machine it may be read again during the page. It is not a relation.
    return statements.filter((sql) => !/api_keys/.test(sql)).length;
  }

  it("reads a page of 50 with claims and settlement lines in a fixed number of statements", async () => {
    const forTen = await statementsFor(10);
    const forFifty = await statementsFor(50);
    expect(forFifty).toBe(forTen);
    // page, categories, applications, claims, settlements, lines
    expect(forFifty).toBeLessThanOrEqual(6);
  });
});
