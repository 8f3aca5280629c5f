/**
 * The plugin in gateway mode, inside a real NocoBase app, against the product's gateway running as
 * its own process: the cases settle through GraphQL with a PARTNER key, the gateway keeps the
 * accounts, and the household's statement includes what charity funds allocated in the gateway.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startGateway, type RunningGateway } from "./support/gateway";
import { ROOT_ACCOUNT, startNocoBase, type TestNocoBase } from "./support/nocobase";
import { caseValues, expectedWriteBack, settleSharedScenarios, sharedScenario, writtenBack } from "./support/scenarios";

const JURISDICTIONS = ["dongzhi", "liaocheng", "weihai", "yichun", "yueqing"];

let gateway: RunningGateway;
let nocobase: TestNocoBase;
let root: string;
let partnerKey: string;
let charityKey: string;

before(async () => {
  gateway = await startGateway();
  partnerKey = await gateway.createKey("PARTNER", JURISDICTIONS, "nocobase case platform");
  charityKey = await gateway.createKey("CHARITY", [], "charity federation");
  nocobase = await startNocoBase({ gatewayUrl: gateway.url, gatewayKey: partnerKey, claimIdPrefix: "nb-test-case-" });
  root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
});

after(async () => {
  await nocobase?.stop();
  await gateway?.stop();
});

async function createAndSettle(values: Record<string, unknown>) {
  const created = await nocobase.api("POST", "medassistCases:create", { token: root, body: values });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const settled = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: created.body.data.id } });
  return { id: created.body.data.id as number, settled };
}

describe("gateway mode", () => {
  test("every shared scenario, filled in case by case, is settled by the gateway and written back", async () => {
    await settleSharedScenarios(nocobase, root, "GW");
  });

  test("the gateway holds the settlement under the case's claim id, once, however often the case is settled", async () => {
    const scenario = sharedScenario("liaocheng-dibao-single.json");
    const { id, settled } = await createAndSettle(caseValues(scenario, scenario.claims[0], "GW-AGAIN-1"));
    assert.equal(settled.status, 200, JSON.stringify(settled.body));
    assert.equal(settled.body.data.mode, "gateway");
    const again = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: id } });
    assert.deepEqual(again.body.data.settlement, settled.body.data.settlement);
    const stored = await gateway.graphql(partnerKey, `query ($id: ID!) { claim(id: $id) { id settlement { selfPay } } }`, { id: `nb-test-case-${id}` });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    assert.equal(stored.data.claim.settlement.selfPay, scenario.claims[0].expect!.selfPay);
    const history = await gateway.graphql(partnerKey, `query { beneficiary(id: "GW-AGAIN-1") { claims { id } } }`);
    assert.equal(history.errors, undefined, JSON.stringify(history.errors));
    assert.equal(history.data.beneficiary.claims.length, 1);
  });

  test("a bill dated before bills already settled is settled in date order by the gateway, and the later case follows", async () => {
    const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
    const [february, june] = scenario.claims;
    const juneCase = await createAndSettle(caseValues(scenario, june, "GW-LATE-1"));
    assert.equal(juneCase.settled.status, 200, JSON.stringify(juneCase.settled.body));
    const quoted = await nocobase.api("POST", "settlement:quote", { token: root, body: caseValues(scenario, february, "GW-LATE-1") });
    assert.equal(quoted.body.data?.settlement?.selfPay, february.expect!.selfPay, `the quote settles the year in date order, as settling will: ${JSON.stringify(quoted.body)}`);
    const februaryCase = await createAndSettle(caseValues(scenario, february, "GW-LATE-1"));
    assert.equal(februaryCase.settled.status, 200, JSON.stringify(februaryCase.settled.body));
    const record = async (id: number) => (await nocobase.api("GET", "medassistCases:get", { token: root, query: { filterByTk: id } })).body.data;
    assert.deepEqual(writtenBack(await record(februaryCase.id)), expectedWriteBack(february));
    assert.deepEqual(writtenBack(await record(juneCase.id)), expectedWriteBack(june), "June's case now shows what the gateway settled it at after February's bill");
  });

  test("a quote is computed by the gateway on the household's account there and stores nothing", async () => {
    const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
    const [first, second] = scenario.claims;
    await createAndSettle(caseValues(scenario, first, "GW-QUOTE-1"));
    const quoted = await nocobase.api("POST", "settlement:quote", { token: root, body: caseValues(scenario, second, "GW-QUOTE-1") });
    assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
    assert.equal(quoted.body.data.settlement.selfPay, second.expect!.selfPay);
    const history = await gateway.graphql(partnerKey, `query { beneficiary(id: "GW-QUOTE-1") { claims { id } } }`);
    assert.equal(history.data.beneficiary.claims.length, 1, "the quoted bill was not stored");
  });

  test("the statement shows what a charity fund allocated in the gateway and what the household still pays", async () => {
    const scenario = sharedScenario("yueqing-dibao-charity.json");
    const claim = scenario.claims[0];
    const { id, settled } = await createAndSettle(caseValues(scenario, claim, "GW-CHARITY-1"));
    assert.equal(settled.status, 200, JSON.stringify(settled.body));
    const fund = await gateway.graphql(charityKey, `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id } }`, { input: { id: "GW-YQ-CITY", name: "乐清市慈善总会", kind: "CITY", jurisdiction: "yueqing" } });
    assert.equal(fund.errors, undefined, JSON.stringify(fund.errors));
    const income = await gateway.graphql(charityKey, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, { input: { requestId: "gw-income-1", fundId: "GW-YQ-CITY", type: "DONATION", amount: "100000.00", reason: "捐赠" } });
    assert.equal(income.errors, undefined, JSON.stringify(income.errors));
    const allocated = await gateway.graphql(charityKey, `mutation { allocateCharity(entitlementId: "yueqing:GW-CHARITY-1/2023", requestId: "gw-allocate-1", reason: "化解") { allocated } }`);
    assert.equal(allocated.errors, undefined, JSON.stringify(allocated.errors));
    assert.equal(allocated.data.allocateCharity.allocated, claim.expect!.charity);

    const statement = await nocobase.api("GET", "settlement:statement", { token: root, query: { filterByTk: id } });
    assert.equal(statement.status, 200, JSON.stringify(statement.body));
    const s = statement.body.data;
    assert.equal(s.source, "gateway");
    assert.equal(s.charityEntitlement, claim.expect!.charity);
    assert.equal(s.charityAllocated, claim.expect!.charity);
    assert.deepEqual(s.allocations.map((a: { fundId: string; amount: string }) => [a.fundId, a.amount]), [["GW-YQ-CITY", claim.expect!.charity]]);
    assert.equal(s.stillPays, claim.expect!.selfPay);
  });

  test("the gateway's refusals reach the case worker with their code and the case field", async () => {
    const scenario = sharedScenario("liaocheng-dibao-single.json");
    const { settled } = await createAndSettle({ ...caseValues(scenario, scenario.claims[0], "GW-EARLY-1"), claimDate: "2019-03-01" });
    assert.equal(settled.status, 400, JSON.stringify(settled.body));
    assert.equal(settled.body.errors?.[0]?.code, "NO_PACK_IN_FORCE");
    assert.equal(settled.body.errors?.[0]?.field, "claimDate");
    const nameless = await createAndSettle({ ...caseValues(scenario, scenario.claims[0], "GW-NAMELESS-1"), beneficiaryName: null });
    assert.equal(nameless.settled.status, 400);
    assert.deepEqual({ code: nameless.settled.body.errors?.[0]?.code, field: nameless.settled.body.errors?.[0]?.field }, { code: "INVALID_INPUT", field: "beneficiaryName" });
  });

  test("when the gateway cannot be reached the case worker is told so, and the case keeps no settlement", async () => {
    const scenario = sharedScenario("liaocheng-dibao-single.json");
    const values = caseValues(scenario, scenario.claims[0], "GW-DOWN-1");
    await gateway.stop();
    const { id, settled } = await createAndSettle(values);
    assert.equal(settled.status, 502, JSON.stringify(settled.body));
    assert.equal(settled.body.errors?.[0]?.code, "GATEWAY_UNAVAILABLE");
    const record = (await nocobase.api("GET", "medassistCases:get", { token: root, query: { filterByTk: id } })).body.data;
    assert.deepEqual(Object.values(writtenBack(record)).filter((v) => v !== null), []);
  });
});
