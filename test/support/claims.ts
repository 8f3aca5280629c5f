/** GraphQL operations and inputs for recording, submitting and settling 聊城 低保 bills in tests. */

export const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id jurisdiction name nationalId identities { category from to } } }`;
export const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id status fees { total policyScope } } }`;
export const SETTLE = `mutation ($id: ID!) { settleClaim(id: $id) { id packId packVersion category selfPay status cause lines { tier amount source ruleId clause reason figures } } }`;

export function dibao(id: string, extra: object = {}) {
  return { id, jurisdiction: "liaocheng", name: "张三", nationalId: "370102199001011234", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }], ...extra };
}

export function bill(id: string, beneficiaryId: string, date: string, total: string, basic: string, extra: object = {}) {
  return { id, beneficiaryId, date, kind: "INPATIENT", fees: { total, outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" }, reported: { basic, critical: "0.00" }, ...extra };
}

export function amountsOf(settlement: { lines: Array<{ tier: string; amount: string }>; selfPay: string }): Record<string, string> {
  return { ...Object.fromEntries(settlement.lines.map((l) => [l.tier, l.amount])), selfPay: settlement.selfPay };
}
