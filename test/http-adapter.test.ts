/**
 * Contract test for HTTP-only low-code hosts, on SQLite and (with TEST_MYSQL_URL) MariaDB: the
 * request shapes they send — GraphQL POST, GraphQL GET with the CSRF preflight header, and plain
 * JSON POST to the adapter — against the running gateway, with the codes of schema/openapi.json.
 */
import * as fs from "node:fs";
import { projectPath } from "../src/lib/project";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const beneficiary = { id: "HA-1", jurisdiction: "liaocheng", name: "己", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
const claim = { id: "HA-1-1", beneficiaryId: "HA-1", date: "2023-03-10", kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" } };

describe.each(testDatabases().map((db) => [db.name, db] as const))("plain HTTP adapter on %s", (_name, database) => {
  let t: TestGateway;
  const post = (path: string, key: string | null, body: unknown) =>
    fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body) });
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("documents every route it serves", () => {
    const openapi = JSON.parse(fs.readFileSync(projectPath("schema", "openapi.json"), "utf8"));
    expect(Object.keys(openapi.paths).sort()).toEqual(["/api/settlement/batch", "/api/settlement/quote", "/api/settlement/report", "/api/settlement/settle", "/api/statements/{beneficiaryId}/{year}"]);
  });

  it("quotes without storing, settles idempotently, and gives the statement, as plain JSON", async () => {
    const quote = await post("/api/settlement/quote", t.keys.partner, { jurisdiction: "liaocheng", beneficiary, claim });
    expect(quote.status).toBe(200);
    const quoted = (await quote.json()) as any;
    expect(quoted.results[0].settlement).toMatchObject({ id: null, selfPay: "5300.00" });
    expect(quoted.results[0].settlement.lines).toContainEqual(expect.objectContaining({ tier: "assistance", amount: "14000.00", clause: "聊政办发〔2022〕5号 三(四)1" }));
    const notStored = await gql(t.url, t.keys.admin, `{ claim(id: "HA-1-1") { id } }`);
    expect(notStored.data!.claim).toBeNull();

    const settled = await post("/api/settlement/settle", t.keys.partner, { beneficiary, claim });
    expect(settled.status).toBe(200);
    const first = (await settled.json()) as any;
    expect(first).toMatchObject({ claimId: "HA-1-1", packId: "liaocheng", packVersion: 1, selfPay: "5300.00" });
    const again = (await (await post("/api/settlement/settle", t.keys.partner, { beneficiary, claim })).json()) as any;
    expect(again.id).toBe(first.id);

    const statement = await fetch(`${t.url}/api/statements/HA-1/2023`, { headers: { authorization: `Bearer ${t.keys.partner}` } });
    expect(statement.status).toBe(200);
    expect(await statement.json()).toMatchObject({ year: 2023, billTotal: "26000.00", stillPays: "5300.00", beneficiary: { id: "HA-1" } });
  });

  it("answers refusals with the status and the code of the contract", async () => {
    const none = await post("/api/settlement/quote", null, { jurisdiction: "liaocheng", claim });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe("UNAUTHENTICATED");
    const bad = await post("/api/settlement/settle", t.keys.partner, { claim: { ...claim, id: "HA-1-2", fees: { total: "-1.00" } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({ code: "INVALID_AMOUNT", field: "claim.fees.total" });
    const conflict = await post("/api/settlement/settle", t.keys.partner, { claim: { ...claim, fees: { total: "26000.01" } } });
    expect(conflict.status).toBe(409);
    const charity = await post("/api/settlement/settle", t.keys.charity, { claim });
    expect(charity.status).toBe(403);
    const missing = await fetch(`${t.url}/api/statements/NOBODY/2023`, { headers: { authorization: `Bearer ${t.keys.partner}` } });
    expect(missing.status).toBe(404);
  });

  it("takes GraphQL by GET with the CSRF preflight header, and refuses a GET without it", async () => {
    const query = encodeURIComponent(`{ claim(id: "HA-1-1") { settlement { selfPay } } }`);
    const withHeader = await fetch(`${t.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${t.keys.partner}`, "apollo-require-preflight": "true" } });
    expect(withHeader.status).toBe(200);
    expect(((await withHeader.json()) as any).data.claim.settlement.selfPay).toBe("5300.00");
    const withoutHeader = await fetch(`${t.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${t.keys.partner}` } });
    expect(withoutHeader.status).toBe(400);
    const posted = await gql(t.url, t.keys.partner, `{ claim(id: "HA-1-1") { settlement { selfPay } } }`);
    expect(posted.data!.claim.settlement.selfPay).toBe("5300.00");
  });
});
