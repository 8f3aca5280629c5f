/**
 * The charity federation's fixtures over the test gateway: a 乐清 household whose settlement opens a
 * 70,000 entitlement, a fund with income, and the ledger check every allocation test ends with.
 */
import { Principal } from "../../src/access/principal";
import { Money, ZERO } from "../../src/lib/money";
import { CharityFundEntity, LedgerEntryEntity } from "../../src/charity/charity.entity";
import { gql, type TestGateway } from "./gateway";

export const ALLOCATE = `mutation ($id: ID!, $requestId: String!, $plan: [AllocationPlanPart!]) {
  allocateCharity(entitlementId: $id, requestId: $requestId, reason: "化解", plan: $plan) {
    requestId allocated shortfall fundOrderRule fundOrderClause parts { fundId amount entryId } entitlement { status allocated outstanding } } }`;

/** Settles a 乐清 低保 bill whose charity tier is 70,000 (the shared scenario's figures). */
export async function householdWithEntitlement(t: TestGateway, id: string, township: string | null): Promise<string> {
  const system = Principal.system("test");
  await t.services.beneficiaries.upsert(system, { id, jurisdiction: "yueqing", name: id, township, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
  await t.services.claims.submit(system, {
    id: `${id}-1`,
    beneficiaryId: id,
    date: "2023-05-01",
    kind: "INPATIENT",
    fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
    reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
  });
  await t.services.settlements.settleClaim(system, `${id}-1`);
  return `yueqing:${id}/2023`;
}

export async function fund(t: TestGateway, id: string, kind: string, township: string | null, income: string) {
  const created = await gql(t.url, t.keys.charity, `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id balance } }`, {
    input: { id, name: `${id} 基金`, kind, jurisdiction: "yueqing", township },
  });
  expect(created.errors).toBeUndefined();
  if (income !== "0.00") {
    const added = await gql(t.url, t.keys.charity, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, {
      input: { requestId: `income-${id}-1`, fundId: id, type: "DONATION", amount: income, reason: "乡贤捐赠" },
    });
    expect(added.errors).toBeUndefined();
  }
}

/** Every fund's balance equals the sum of its ledger and is not negative; returns the balances. */
export async function checkLedgers(t: TestGateway): Promise<Map<string, Money>> {
  const manager = t.services.dataSource.manager;
  const balances = new Map<string, Money>();
  for (const f of await manager.find(CharityFundEntity)) {
    const entries = await manager.find(LedgerEntryEntity, { where: { fundId: f.id }, order: { id: "ASC" } });
    const sum = entries.reduce((s, e) => (e.direction === "IN" ? s.plus(e.amount) : s.minus(e.amount)), ZERO);
    expect(f.balance.toFixed(2)).toBe(sum.toFixed(2));
    expect(f.balance.isNegative()).toBe(false);
    if (entries.length) expect(entries[entries.length - 1].balanceAfter.toFixed(2)).toBe(f.balance.toFixed(2));
    balances.set(f.id, f.balance);
  }
  return balances;
}
