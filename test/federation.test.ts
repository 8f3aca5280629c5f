/**
 * The federation spread out: three owners' subgraphs, each a process with its own database, and a
 * gateway process composing them. Partners' queries join the owners' data; a subgraph serves only
 * requests the gateway signed; with one subgraph stopped the others still answer and /healthz
 * names the one that is down.
 */
import { testDatabases } from "./support/databases";
import { createKey, databasesFor, startFederatedGateway, startSubgraph, stop, SUBGRAPH_SECRET, type RunningProcess } from "./support/federation";
import { gql } from "./support/gateway";
import { Principal } from "../src/access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../src/access/principal-token";

const kinds = testDatabases().map((database, i) => ({ name: database.name, make: () => testDatabases()[i] }));

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

describe.each(kinds)("the federation in four processes on $name", ({ make }) => {
  let databases: Awaited<ReturnType<typeof databasesFor>>;
  const subgraphs: Record<string, RunningProcess> = {};
  let gateway: RunningProcess;
  let partner: string;
  let charity: string;

  beforeAll(async () => {
    databases = await databasesFor(make, 4);
    const [beneficiaries, settlements, charityDb, gatewayDb] = databases.map((d) => d.url);
    subgraphs.beneficiaries = await startSubgraph("beneficiaries", beneficiaries!);
    subgraphs.settlements = await startSubgraph("settlements", settlements!);
    subgraphs.charity = await startSubgraph("charity", charityDb!);
    partner = await createKey(gatewayDb!, "--role", "PARTNER", "--jurisdiction", "liaocheng", "--name", "partner");
    charity = await createKey(gatewayDb!, "--role", "CHARITY", "--name", "charity");
    gateway = await startFederatedGateway(gatewayDb!, Object.fromEntries(Object.entries(subgraphs).map(([name, p]) => [name, p.url])));
  }, 240_000);

  afterAll(async () => {
    for (const running of [gateway, ...Object.values(subgraphs)]) if (running) await stop(running.child);
    for (const { database } of databases ?? []) await database.drop();
  });

  it("serves _service to anyone, and nothing else without the gateway's signature", async () => {
    const sdl = await post(subgraphs.settlements!.url, "{ _service { sdl } }");
    expect(sdl.status).toBe(200);
    expect(sdl.body.data!._service.sdl).toMatch(/type Claim\s+@key\(fields: "jurisdiction id"\)/);
    const unsigned = await post(subgraphs.beneficiaries!.url, `{ beneficiaries { edges { node { id } } } }`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.errors![0].extensions).toMatchObject({ code: "UNAUTHENTICATED", field: PRINCIPAL_HEADER });
    const forged = signPrincipal(Principal.system("forger"), "not-the-secret-but-just-as-long-as-one");
    const refused = await post(subgraphs.charity!.url, `{ charityFunds { id } }`, { [PRINCIPAL_HEADER]: forged });
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    // A request that sneaks data in beside _service is signed or refused like any other.
    const sneaky = await post(subgraphs.beneficiaries!.url, `{ _service { sdl } beneficiaries { edges { node { id } } } }`);
    expect(sneaky.status).toBe(401);
    const signed = await post(subgraphs.charity!.url, `{ charityFunds { id } }`, { [PRINCIPAL_HEADER]: signPrincipal(new Principal("k", "CHARITY", []), SUBGRAPH_SECRET) });
    expect(signed.status).toBe(200);
    expect(signed.body.data!.charityFunds).toEqual([]);
  });

  it("joins the owners' data in one query through the gateway, with the key's limits in every subgraph", async () => {
    const upsert = await gql(gateway.url, partner, `mutation { upsertBeneficiary(input: { id: "FED-1", jurisdiction: "liaocheng", name: "王五", nationalId: "370102199001011234", identities: [{ category: "DIBAO", from: "2023-01-01" }] }) { id name } }`);
    expect(upsert.errors).toBeUndefined();
    const joined = await gql(gateway.url, partner, `{ beneficiary(id: "FED-1") { id name nationalId identities { category } claims { id } } }`);
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.beneficiary).toEqual({ id: "FED-1", name: "王五", nationalId: "370*************34", identities: [{ category: "DIBAO" }], claims: [] });
    const fund = await gql(gateway.url, charity, `mutation { createCharityFund(input: { id: "FED-F1", name: "乐清市慈善总会", kind: CITY, jurisdiction: "yueqing" }) { id balance } }`);
    expect(fund.errors).toBeUndefined();
    expect(fund.data!.createCharityFund).toEqual({ id: "FED-F1", balance: "0.00" });
    const refused = await gql(gateway.url, partner, `mutation { upsertBeneficiary(input: { id: "FED-2", jurisdiction: "weihai", name: "赵六" }) { id } }`);
    expect(refused.errors![0].extensions).toMatchObject({ code: "FORBIDDEN", field: "input.jurisdiction" });
    const partnersFunds = await gql(gateway.url, partner, `{ charityFunds { id } }`);
    expect(partnersFunds.data!.charityFunds).toEqual([]);
    // One owner's operation with a fragment and an alias, sent to it as it is: masked for the key there too.
    const forwarded = await gql(gateway.url, partner, `query Person { person: beneficiary(id: "FED-1") { ...Named } } fragment Named on Beneficiary { id name nationalId }`);
    expect(forwarded.errors).toBeUndefined();
    expect(forwarded.data).toEqual({ person: { id: "FED-1", name: "王五", nationalId: "370*************34" } });
  });

  it("answers the other owners' data when one subgraph is down, and /healthz names it", async () => {
    await stop(subgraphs.beneficiaries!.child);
    const partial = await gql(gateway.url, partner, `{ beneficiary(id: "FED-1") { name } rulePacks { id } }`);
    expect(partial.status).toBe(200);
    expect(partial.data!.rulePacks.length).toBeGreaterThan(0);
    expect(partial.data!.beneficiary).toBeNull();
    expect(partial.errors!.map((e) => (e as { path?: unknown }).path)).toEqual([["beneficiary"]]);
    expect(partial.errors![0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", field: "beneficiaries" });
    // An operation of the one owner that is down (sent to it as it is) answers in the same shape.
    const alone = await gql(gateway.url, partner, `{ beneficiary(id: "FED-1") { name } }`);
    expect(alone.status).toBe(200);
    expect(alone.data).toEqual({ beneficiary: null });
    expect(alone.errors!.map((e) => (e as { path?: unknown }).path)).toEqual([["beneficiary"]]);
    expect(alone.errors![0].extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", field: "beneficiaries" });
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "subgraph down: beneficiaries", subgraphs: { beneficiaries: "down", settlements: "ok", charity: "ok" } });
  });
});
