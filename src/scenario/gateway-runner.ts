/**
 * Runs scenario files against a running gateway over GraphQL, exactly as a partner would: the
 * beneficiary is upserted, each claim submitted and settled, and the stored settlement compared with
 * the expectations. A claim expected to be refused must be refused with that code and be absent
 * afterwards. Scenarios that override pack parameters are run as one what-if (simulateSettlement),
 * since a partner cannot change a pack's figures; their premium checks ask premiumSubsidy with the same
 * parameters, for the stored beneficiary.
 *
 * Ids get a suffix per run, so the same files can be run again against the same database.
 */
import * as path from "node:path";
import { Money } from "../lib/money";
import { judge, loadScenarios, type ClaimCheck, type Scenario, type ScenarioClaim } from "./scenario";

interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

const SETTLEMENT_FIELDS = "selfPay pending lines { tier amount provisional }";

export class GatewayClient {
  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  /** Posts a GraphQL operation; returns data or the first error's code and message. */
  async request<T>(query: string, variables: Record<string, unknown>): Promise<{ data: T | null; error: { code: string; message: string } | null }> {
    const response = await fetch(`${this.url.replace(/\/$/, "")}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<T>;
    if (body.errors?.length) return { data: null, error: { code: body.errors[0].extensions?.code ?? "UNKNOWN", message: body.errors[0].message } };
    return { data: body.data ?? null, error: null };
  }
}

type GatewaySettlement = { selfPay: string; pending?: string[]; lines: Array<{ tier: string; amount: string; provisional: boolean }> };

function amounts(settlement: GatewaySettlement) {
  return { selfPay: new Money(settlement.selfPay), pending: settlement.pending ?? [], lines: settlement.lines.map((l) => ({ tier: l.tier, amount: new Money(l.amount), provisional: l.provisional })) };
}

function claimVariables(raw: ScenarioClaim, beneficiaryId: string, suffix: string): Record<string, unknown> {
  const { expect: _expect, expectError: _expectError, expectAlerts: _expectAlerts, provisional: _provisional, pending: _pending, ...claim } = raw;
  return { ...claim, id: `${raw.id}${suffix}`, beneficiaryId };
}

function beneficiaryVariables(scenario: Scenario, suffix: string): Record<string, unknown> {
  const beneficiary = (scenario.beneficiary ?? {}) as { id?: string; identities?: unknown[]; applications?: unknown[]; phaseOuts?: unknown[] };
  return {
    id: `${beneficiary.id}${suffix}`,
    jurisdiction: scenario.pack,
    name: String(beneficiary.id),
    identities: beneficiary.identities ?? [],
    applications: beneficiary.applications ?? [],
    phaseOuts: beneficiary.phaseOuts ?? [],
  };
}

/** Runs one scenario against the gateway. */
export async function runScenarioOnGateway(client: GatewayClient, scenario: Scenario, file: string, suffix: string): Promise<ClaimCheck[]> {
  const name = path.basename(file);
  const check = (claimId: string, passed: boolean, summary: string): ClaimCheck => ({ file, scenario: scenario.name, claimId, passed, summary: `${passed ? "PASS" : "FAIL"} ${name} ${claimId}: ${summary}` });
  const refusal = (claim: ScenarioClaim, error: { code: string; message: string }) =>
    claim.expectError === error.code
      ? check(claim.id, true, `refused with ${error.code} as expected`)
      : check(claim.id, false, `${claim.expectError ? `expected error ${claim.expectError}` : "expected a settlement"}, got error ${error.code}: ${error.message}`);

  if (scenario.parameters && Object.keys(scenario.parameters).length > 0) {
    const beneficiary = beneficiaryVariables(scenario, suffix);
    const { data, error } = await client.request<{ simulateSettlement: Array<{ claimId: string; settlement: GatewaySettlement | null; error: { code: string; message: string } | null }> }>(
      `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { ${SETTLEMENT_FIELDS} } error { code message } } }`,
      {
        input: {
          jurisdiction: scenario.pack,
          beneficiary,
          claims: scenario.claims.map((claim) => claimVariables(claim, String(beneficiary.id), suffix)),
          parameters: Object.entries(scenario.parameters).map(([id, value]) => ({ id, value })),
        },
      },
    );
    const premiums = await premiumChecksWithBeneficiary(client, scenario, beneficiary, check);
    if (error || !data) return [...scenario.claims.map((claim) => refusal(claim, error ?? { code: "UNKNOWN", message: "no data" })), ...premiums];
    const claimChecks = scenario.claims.map((claim, index) => {
      const result = data.simulateSettlement[index];
      if (result.error) return refusal(claim, result.error);
      if (claim.expectError) return check(claim.id, false, `expected error ${claim.expectError}, but it was settled`);
      const verdict = judge(claim, amounts(result.settlement!), index);
      return check(claim.id, verdict.passed, verdict.summary);
    });
    return [...claimChecks, ...premiums];
  }

  const upsert = await client.request(`mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: beneficiaryVariables(scenario, suffix) });
  const beneficiaryId = `${(scenario.beneficiary as { id?: string })?.id}${suffix}`;
  const checks: ClaimCheck[] = [];
  // Settled claims are judged once every claim of the file is settled: a later, earlier-dated bill
  // may have settled the year again.
  const settledAt: Array<{ at: number; claim: ScenarioClaim; index: number; id: string }> = [];
  const judgeSettled = async ({ at, claim, index, id }: (typeof settledAt)[number]) => {
    if (claim.expectError) {
      checks[at] = check(claim.id, false, `expected error ${claim.expectError}, but it was settled`);
      return;
    }
    const stored = await client.request<{ claim: { settlement: GatewaySettlement | null } | null }>(`query ($id: ID!) { claim(id: $id) { settlement { ${SETTLEMENT_FIELDS} } } }`, { id });
    const settlement = stored.data?.claim?.settlement;
    if (!settlement) {
      checks[at] = check(claim.id, false, `settled, but reading it back failed: ${stored.error?.code ?? "no settlement"}`);
      return;
    }
    const verdict = judge(claim, amounts(settlement), index);
    checks[at] = check(claim.id, verdict.passed, verdict.summary);
  };
  for (const [index, claim] of scenario.claims.entries()) {
    if (upsert.error) {
      checks.push(refusal(claim, upsert.error));
      continue;
    }
    const variables = claimVariables(claim, beneficiaryId, suffix);
    const earlier = settledAt.filter((settled) => settled.id === variables.id);
    if (earlier.length > 0) {
      // Listed again: the insurer's later report. The earlier entries are judged by the partial settlement.
      for (const settled of earlier) await judgeSettled(settled);
      settledAt.splice(0, settledAt.length, ...settledAt.filter((settled) => settled.id !== variables.id));
      const reported = await reportNewTiers(client, String(variables.id), earlier[earlier.length - 1].claim, claim);
      if (reported.error) {
        checks.push(refusal(claim, reported.error));
        continue;
      }
      settledAt.push({ at: checks.length, claim, index, id: String(variables.id) });
      checks.push(check(claim.id, false, "not judged"));
      continue;
    }
    const submitted = await client.request(`mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, { input: variables });
    const settled = submitted.error ? submitted : await client.request(`mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id: variables.id });
    if (settled.error) {
      if (settled.error.code !== "CONFLICT" && submitted.error) {
        const stored = await client.request<{ claim: { id: string } | null }>(`query ($id: ID!) { claim(id: $id) { id } }`, { id: variables.id });
        if (stored.data?.claim) {
          checks.push(check(claim.id, false, `refused with ${settled.error.code} but the claim was stored`));
          continue;
        }
      }
      checks.push(refusal(claim, settled.error));
      continue;
    }
    settledAt.push({ at: checks.length, claim, index, id: String(variables.id) });
    checks.push(check(claim.id, false, "not judged"));
  }
  for (const settled of settledAt) await judgeSettled(settled);
  checks.push(...(await premiumChecks(client, scenario, beneficiaryId, check)));
  return checks;
}

/** Reports, through reportTier, each tier the claim listed again reports and its earlier entry did not. */
async function reportNewTiers(client: GatewayClient, id: string, before: ScenarioClaim, again: ScenarioClaim): Promise<{ error: { code: string; message: string } | null }> {
  for (const [tier, amount] of Object.entries(again.reported ?? {})) {
    if (before.reported?.[tier] !== undefined) continue;
    const result = await client.request(`mutation ($id: ID!, $tier: Tier!, $amount: Money!) { reportTier(claimId: $id, tier: $tier, amount: $amount) { id } }`, { id, tier, amount });
    if (result.error) return result;
  }
  return { error: null };
}

/**
 * The premium checks of a scenario whose claims run as a what-if: the beneficiary is stored (a
 * premium is asked of a stored person), the claims are not.
 */
async function premiumChecksWithBeneficiary(client: GatewayClient, scenario: Scenario, beneficiary: Record<string, unknown>, check: (claimId: string, passed: boolean, summary: string) => ClaimCheck): Promise<ClaimCheck[]> {
  if (!scenario.premiumSubsidy?.length) return [];
  const upsert = await client.request(`mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: beneficiary });
  if (upsert.error) return scenario.premiumSubsidy.map((premium) => check(`premium-${premium.year}`, false, `error ${upsert.error!.code}: ${upsert.error!.message}`));
  return premiumChecks(client, scenario, String(beneficiary.id), check);
}

/** The scenario's premium-subsidy checks, asked of the gateway with the scenario's parameters. */
async function premiumChecks(client: GatewayClient, scenario: Scenario, beneficiaryId: string, check: (claimId: string, passed: boolean, summary: string) => ClaimCheck): Promise<ClaimCheck[]> {
  const checks: ClaimCheck[] = [];
  const parameters = Object.entries(scenario.parameters ?? {}).map(([id, value]) => ({ id, value }));
  for (const premium of scenario.premiumSubsidy ?? []) {
    const claimId = `premium-${premium.year}`;
    const result = await client.request<{ premiumSubsidy: { category: string | null; ruleId: string | null; amount: string | null; missingParameters: string[] } }>(
      `query ($id: String!, $year: Int!, $parameters: [ParameterOverride!]) { premiumSubsidy(beneficiaryId: $id, year: $year, parameters: $parameters) { category ruleId amount missingParameters } }`,
      { id: beneficiaryId, year: premium.year, parameters: parameters.length > 0 ? parameters : null },
    );
    if (result.error) {
      checks.push(check(claimId, false, `error ${result.error.code}: ${result.error.message}`));
      continue;
    }
    const actual = result.data!.premiumSubsidy;
    const expected = premium.expect;
    const same = actual.category === expected.category && actual.ruleId === expected.rule && actual.amount === expected.amount && [...actual.missingParameters].sort().join() === [...(expected.missing ?? [])].sort().join();
    checks.push(check(claimId, same, same ? `category ${actual.category ?? "none"}, rule ${actual.ruleId ?? "none"}, amount ${actual.amount ?? "unknown"}` : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`));
  }
  return checks;
}

/** Runs scenario files and directories against a gateway. */
export async function runScenarioFilesOnGateway(targets: string[], url: string, key: string, suffix = `~${Date.now().toString(36)}`): Promise<ClaimCheck[]> {
  const client = new GatewayClient(url, key);
  const checks: ClaimCheck[] = [];
  for (const loaded of loadScenarios(targets)) {
    if ("failure" in loaded) checks.push(loaded.failure);
    else checks.push(...(await runScenarioOnGateway(client, loaded.scenario, loaded.file, suffix)));
  }
  return checks;
}
