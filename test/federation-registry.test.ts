/**
 * Another office's data joins the graph: a civil-affairs registry written for this test (its own
 * process and data file, test/support/registry) takes the place of the built-in beneficiaries
 * subgraph. The gateway composes it; a partner's query joins its people with their claims,
 * settlements and charity entitlements; settling through the gateway uses its categories.
 */
import { testDatabases } from "./support/databases";
import { createKey, databasesFor, startFederatedGateway, startSubgraph, stop, SUBGRAPH_SECRET, type RunningProcess } from "./support/federation";
import { gql } from "./support/gateway";
import { startRegistry, type RunningRegistry } from "./support/registry/process";
import type { RegistryPerson } from "./support/registry/registry";

/** Known only to the registry. 乐清 低保 (乐政办发〔2022〕41号 三(三)9, 三(三)11), as test/scenarios' YQ-001. */
const PEOPLE: RegistryPerson[] = [
  { jurisdiction: "yueqing", id: "REG-YQ-1", name: "登记三", township: null, nationalId: "330382199001011234", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }], applications: [] },
];

const kinds = testDatabases().map((database, i) => ({ name: database.name, make: () => testDatabases()[i] }));

describe.each(kinds)("an office's registry in place of the beneficiaries subgraph on $name", ({ make }) => {
  let databases: Awaited<ReturnType<typeof databasesFor>>;
  let registry: RunningRegistry;
  const running: RunningProcess[] = [];
  let gateway: RunningProcess;
  let partner: string;

  beforeAll(async () => {
    databases = await databasesFor(make, 3);
    const [settlementsDb, charityDb, gatewayDb] = databases.map((d) => d.url);
    registry = await startRegistry(PEOPLE, SUBGRAPH_SECRET);
    const charity = await startSubgraph("charity", charityDb!);
    const charityBase = charity.url.replace(/\/graphql$/, "");
    const settlements = await startSubgraph("settlements", settlementsDb!, { BENEFICIARY_SOURCE: registry.url, CHARITY_EVENTS_URL: `${charityBase}/events`, CHARITY_ALLOCATIONS_URL: `${charityBase}/allocations` });
    running.push(charity, settlements);
    partner = await createKey(gatewayDb!, "--role", "PARTNER", "--jurisdiction", "yueqing", "--name", "hospital");
    gateway = await startFederatedGateway(gatewayDb!, { beneficiaries: registry.url, settlements: settlements.url, charity: charity.url });
    running.push(gateway);
  }, 240_000);

  afterAll(async () => {
    for (const process of running.reverse()) await stop(process.child);
    await registry?.stop();
    for (const { database } of databases ?? []) await database.drop();
  });

  it("settles through the gateway with the registry's categories", async () => {
    const settled = await gql(
      gateway.url,
      partner,
      `mutation { submitClaim(input: { id: "REG-YQ-1-1", beneficiaryId: "REG-YQ-1", jurisdiction: "yueqing", date: "2023-05-01", kind: INPATIENT,
         fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
         reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" } }) { id }
       settleClaim(id: "REG-YQ-1-1") { category selfPay lines { tier amount } } }`,
    );
    expect(settled.errors).toBeUndefined();
    const amounts = Object.fromEntries(settled.data!.settleClaim.lines.map((l: { tier: string; amount: string }) => [l.tier, l.amount]));
    expect(settled.data!.settleClaim.category).toBe("DIBAO");
    expect(amounts).toMatchObject({ assistance: "100000.00", commercial: "30000.00", charity: "70000.00" });
    expect(settled.data!.settleClaim.selfPay).toBe("50000.00");
  });

  it("joins the registry's person with the claims, settlements and charity entitlements of the other owners", async () => {
    // The registry serves the people's list (not a lookup by id): its root fields are the graph's.
    const query = `{ beneficiaries(filter: { jurisdiction: "yueqing" }) { edges { node { id name nationalId identities { category } claims { id settlement { selfPay } } charityEntitlements { year amount outstanding } } } } }`;
    const person = (answer: { data?: Record<string, any> | null }) => answer.data?.beneficiaries?.edges?.[0]?.node;
    // The charity learns of the settlement from its event, delivered after the commit: wait for it.
    let answer = await gql(gateway.url, partner, query);
    for (let tries = 0; tries < 50 && person(answer)?.charityEntitlements?.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await gql(gateway.url, partner, query);
    }
    expect(answer.errors).toBeUndefined();
    expect(person(answer)).toEqual({
      id: "REG-YQ-1",
      name: "登记三",
      nationalId: "330*************34",
      identities: [{ category: "DIBAO" }],
      claims: [{ id: "REG-YQ-1-1", settlement: { selfPay: "50000.00" } }],
      charityEntitlements: [{ year: 2023, amount: "70000.00", outstanding: "70000.00" }],
    });
  });
});
