/**
 * Gateway mode: the case is settled by the product's GraphQL gateway with a PARTNER key, so that the
 * household's year-to-date account, the settlement history and the charity ledger are the ones every
 * other partner system sees. The plugin records the beneficiary, submits the claim and settles it;
 * the gateway makes both idempotent by id.
 */
import { DomainError } from "../../../../src/lib/errors";
import type { CaseInput } from "./case-input";
import { CaseError, caseFieldOf } from "./errors";
import type { SettlementBackend, WriteBack } from "./settlement-backend";
import type { CaseSettlement, HouseholdStatement } from "./settlement-result";

const SETTLEMENT_FIELDS = "claimId packId packVersion category total policyScope selfPay lines { tier amount source ruleId clause formula figures reason note category }";

const UPSERT_BENEFICIARY = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;
const SUBMIT_CLAIM = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
const SETTLE_CLAIM = `mutation ($id: ID!) { settleClaim(id: $id) { ${SETTLEMENT_FIELDS} } }`;
const HOUSEHOLD_SETTLEMENTS = `query ($id: ID!) { beneficiary(id: $id) { claims { id date settlement { ${SETTLEMENT_FIELDS} } } } }`;
const BENEFICIARY_EXISTS = `query ($id: ID!) { beneficiary(id: $id) { id jurisdiction } }`;
const SIMULATE = `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { ${SETTLEMENT_FIELDS} } error { code field message } } }`;
const STATEMENT = `query ($beneficiaryId: String!, $year: Int!) { resolutionStatement(beneficiaryId: $beneficiaryId, year: $year) {
  year billTotal selfPayBeforeCharity charityEntitlement charityAllocated stillPays
  tierTotals { tier amount }
  claims { claimId date kind packId packVersion total policyScope selfPayBeforeCharity lines { tier amount clause ruleId reason } }
  allocations { fundId fundName amount date reversed } } }`;

/** How long the plugin waits for the gateway before telling the case worker it is unavailable. */
const REQUEST_TIMEOUT_MS = 15_000;

interface GraphQLError {
  message: string;
  extensions?: { code?: string; field?: string };
}

export class GatewayBackend implements SettlementBackend {
  readonly mode = "gateway" as const;

  /** `claimIdPrefix` tells this NocoBase's cases among the claims the gateway holds for a household. */
  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly claimIdPrefix: string,
  ) {}

  /** Sends one operation; a GraphQL error becomes the same refusal the engine would give. */
  /**
   * Sends an operation. The gateway names a refused field by the mutation's argument
   * (`input.date`); `inputIs` says what that argument is here, so that the case field can be found.
   */
  private async request<T>(query: string, variables: Record<string, unknown>, inputIs?: "claim" | "beneficiary"): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url.replace(/\/+$/, "")}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CaseError("GATEWAY_UNAVAILABLE", "", `结算网关暂时无法访问，请稍后重试 / the settlement gateway cannot be reached (${(error as Error).message})`);
    }
    let body: { data?: T | null; errors?: GraphQLError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new CaseError("GATEWAY_UNAVAILABLE", "", `结算网关的回复无法识别 / the settlement gateway answered ${response.status} without JSON`);
    }
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code ?? "GATEWAY_UNAVAILABLE";
      if (code === "UNAUTHENTICATED") {
        throw new CaseError("GATEWAY_KEY_REFUSED", "", "结算网关拒绝了本插件配置的密钥，请联系管理员 / the gateway refused the key this plugin is configured with");
      }
      if (code === "INTERNAL_SERVER_ERROR" || code === "GATEWAY_UNAVAILABLE") throw new CaseError("GATEWAY_UNAVAILABLE", "", first.message);
      const field = first.extensions?.field ?? "";
      throw new CaseError(code, caseFieldOf(inputIs ? field.replace(/^input(?=\.|$)/, inputIs) : field), first.message);
    }
    if (!body.data) throw new CaseError("GATEWAY_UNAVAILABLE", "", `结算网关没有返回数据 / the gateway answered ${response.status} without data`);
    return body.data;
  }

  private beneficiaryInput(input: CaseInput): Record<string, unknown> {
    if (!input.beneficiaryName) {
      throw new DomainError("INVALID_INPUT", "beneficiaryName", "beneficiaryName: 通过网关结算时须填写受助人姓名 / the beneficiary's name is required when settling through the gateway");
    }
    return { ...input.rawBeneficiary, name: input.beneficiaryName, jurisdiction: input.jurisdiction };
  }

  async quote(input: CaseInput): Promise<CaseSettlement> {
    // A household the gateway knows is quoted on its year-to-date account there; one it does not
    // know yet is quoted as described by the case, from an empty year.
    const known = await this.request<{ beneficiary: { id: string; jurisdiction: string } | null }>(BENEFICIARY_EXISTS, { id: input.beneficiary.id });
    const simulation = known.beneficiary
      ? { jurisdiction: input.jurisdiction, beneficiaryId: input.beneficiary.id, claims: [input.rawClaim] }
      : { jurisdiction: input.jurisdiction, beneficiary: this.beneficiaryInput(input), claims: [input.rawClaim] };
    const data = await this.request<{ simulateSettlement: Array<{ settlement: CaseSettlement | null; error: { code: string; field: string; message: string } | null }> }>(SIMULATE, { input: simulation });
    const [result] = data.simulateSettlement;
    if (result.error) throw new CaseError(result.error.code, caseFieldOf(result.error.field), result.error.message);
    return result.settlement!;
  }

  async settle(caseId: string, input: CaseInput, writeBack: WriteBack): Promise<CaseSettlement> {
    await this.request(UPSERT_BENEFICIARY, { input: this.beneficiaryInput(input) }, "beneficiary");
    await this.request(SUBMIT_CLAIM, { input: input.rawClaim }, "claim");
    const data = await this.request<{ settleClaim: CaseSettlement }>(SETTLE_CLAIM, { id: input.claim.id });
    // The gateway holds the settlements; the cases keep copies. A bill dated before others of its
    // year makes the gateway settle the year again, so every case of this NocoBase in that year is
    // brought up to date. Settling again returns the same settlement, so a failed write-back is
    // repaired by pressing settle again.
    await writeBack(caseId, data.settleClaim, undefined);
    const household = await this.request<{ beneficiary: { claims: Array<{ id: string; date: string; settlement: CaseSettlement | null }> } | null }>(HOUSEHOLD_SETTLEMENTS, { id: input.beneficiary.id });
    for (const claim of household.beneficiary?.claims ?? []) {
      if (claim.id === input.claim.id || !claim.settlement || !claim.id.startsWith(this.claimIdPrefix) || claim.date.slice(0, 4) !== input.claim.date.slice(0, 4)) continue;
      await writeBack(claim.id.slice(this.claimIdPrefix.length), claim.settlement, undefined);
    }
    return data.settleClaim;
  }

  async statement(beneficiaryId: string, year: number): Promise<HouseholdStatement> {
    const data = await this.request<{ resolutionStatement: Omit<HouseholdStatement, "beneficiaryId" | "source"> }>(STATEMENT, { beneficiaryId, year });
    return { beneficiaryId, source: "gateway", ...data.resolutionStatement };
  }
}
