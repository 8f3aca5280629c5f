/**
 * 资助参保 through the gateway, on SQLite and (with TEST_MYSQL_URL) MariaDB: a person's subsidy
 * with its rule and clause, and the finance office's report per category as GraphQL and CSV.
 */
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;

describe.each(testDatabases().map((db) => [db.name, db] as const))("premium subsidy on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
    const people: Array<[string, Array<{ category: string; from: string; to?: string }>]> = [
      ["WH-PS-1", [{ category: "DIBAO", from: "2023-03-01", to: "2023-05-31" }, { category: "DESTITUTE", from: "2023-06-01" }]],
      ["WH-PS-2", [{ category: "DESTITUTE", from: "2022-06-01" }]],
      ["WH-PS-3", [{ category: "NEAR_DIBAO", from: "2023-01-01" }]],
      ["WH-PS-4", [{ category: "ILLNESS_IMPOVERISHED", from: "2023-01-01" }]],
      ["WH-PS-5", []],
    ];
    for (const [id, identities] of people) await gql(t.url, t.keys.admin, UPSERT, { input: { id, jurisdiction: "weihai", name: id, identities } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("gives a person's subsidy with the rule and clause, by the first identity of the year (威海)", async () => {
    const result = await gql(t.url, t.keys.otherPartner, `{ premiumSubsidy(beneficiaryId: "WH-PS-1", year: 2023) { category basis ruleId clause share amount missingParameters } }`);
    expect(result.data!.premiumSubsidy).toEqual({
      category: "DIBAO",
      basis: "FIRST_IN_YEAR",
      ruleId: "wh-premium-tier1",
      clause: "威医保发〔2022〕13号 二(一)",
      share: "1",
      amount: null,
      missingParameters: ["premiumStandardTier1"],
    });
    const hidden = await gql(t.url, t.keys.partner, `{ premiumSubsidy(beneficiaryId: "WH-PS-1", year: 2023) { amount } }`);
    expect(hidden.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  it("reports count and total per category, as GraphQL and as CSV", async () => {
    const report = await gql(t.url, t.keys.charity, `{ premiumSubsidyReport(jurisdiction: "weihai", year: 2023) { people total rows { category ruleId count total missingParameters } } }`);
    expect(report.data!.premiumSubsidyReport).toEqual({
      people: 3,
      total: null,
      rows: [
        { category: "DESTITUTE", ruleId: "wh-premium-destitute", count: 1, total: null, missingParameters: ["premiumStandardTier2"] },
        { category: "DIBAO", ruleId: "wh-premium-tier1", count: 1, total: null, missingParameters: ["premiumStandardTier1"] },
        { category: "NEAR_DIBAO", ruleId: "wh-premium-tier1-transition", count: 1, total: null, missingParameters: ["premiumStandardTier1"] },
      ],
    });
    const csv = await fetch(`${t.url}/reports/premium-subsidy/weihai/2023.csv`, { headers: { authorization: `Bearer ${t.keys.charity}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("jurisdiction,year,category,rule,count,total_yuan,missing_parameters");
    expect(lines).toContain("weihai,2023,DESTITUTE,wh-premium-destitute,1,,premiumStandardTier2");
    expect(lines[lines.length - 1]).toBe("weihai,2023,ALL,,3,,");
    const refused = await fetch(`${t.url}/reports/premium-subsidy/weihai/2023.csv`, { headers: { authorization: `Bearer ${t.keys.partner}` } });
    expect(refused.status).toBe(403);
    expect((await fetch(`${t.url}/reports/premium-subsidy/weihai/2023.csv`)).status).toBe(401);
  });

  it.each([["abc"], ["20231"], ["0"]])("refuses the CSV report of year %s as INVALID_INPUT, not a report of year NaN", async (year) => {
    const refused = await fetch(`${t.url}/reports/premium-subsidy/weihai/${year}.csv`, { headers: { authorization: `Bearer ${t.keys.charity}` } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("year");
    const graphql = await gql(t.url, t.keys.charity, `{ premiumSubsidyReport(jurisdiction: "weihai", year: ${Number(year) || -1}) { year } }`);
    expect(graphql.errors?.[0].extensions).toEqual({ code: "INVALID_INPUT", field: "year" });
  });
});
