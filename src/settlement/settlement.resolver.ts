/**
 * GraphQL: settling claims, what-ifs, annual summaries and settlement lines.
 */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { AnnualSummary, BatchBillResult, Settlement, SettlementLine, SimulatedClaim, SimulationInput } from "./settlement.types";
import { pendingTiers, simulatedSettlementView, storedLineView, storedSettlementView } from "./settlement.views";
import { TierEnum } from "../gateway/enums";
import { MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import type { Tier } from "../engine/vocabulary";
import { ClaimInput, claimInputToRaw } from "../claim/claim.types";
import { MAX_BILLS_PER_BATCH } from "./bill-batch";
import { JURISDICTION_ARG } from "../access/tenant-ids";
import type { RequestContext } from "../access/request-context";
import type { SettlementService } from "./settlement.service";
import type { SettlementLoaders } from "./settlement.loaders";

/** What this resolver reads per request. */
type ResolverContext = RequestContext<SettlementLoaders>;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { settlements: SettlementService }

@Resolver(() => Settlement)
export class SettlementResolver {
  constructor(private readonly services: ResolverServices) {}

  @Mutation(() => Settlement, { description: "Settles a submitted claim; settling it again returns the stored settlement (PARTNER, ADMIN)." })
  async settleClaim(@Arg("id", () => ID) id: string, @Ctx() { principal }: ResolverContext, @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string): Promise<Settlement> {
    return storedSettlementView(await this.services.settlements.settleClaim(principal, id, jurisdiction));
  }

  @Mutation(() => Settlement, { description: "The insurer's later report of a tier left pending (staged settlement: commercial): records it on the claim and settles the claim again, superseding the partial settlement; charity follows (PARTNER, ADMIN). CONFLICT when the tier is not pending." })
  async reportTier(
    @Arg("claimId", () => ID) claimId: string,
    @Arg("tier", () => TierEnum) tier: Tier,
    @Arg("amount", () => MoneyScalar) amount: Money,
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<Settlement> {
    return storedSettlementView(await this.services.settlements.reportTier(principal, claimId, tier, amount, jurisdiction));
  }

  @Mutation(() => [BatchBillResult], {
    description: `Submits and settles up to ${MAX_BILLS_PER_BATCH} bills (PARTNER for its jurisdictions, ADMIN): each answered in input order with its settlement or its refusal; one refused bill refuses no other. Idempotent by claim id, as submitClaim. More bills: TOO_MANY_BILLS, nothing stored.`,
  })
  async settleClaims(@Arg("input", () => [ClaimInput]) input: ClaimInput[], @Ctx() { principal }: ResolverContext): Promise<BatchBillResult[]> {
    const outcomes = await this.services.settlements.settleBills(principal, input.map(claimInputToRaw), { fieldOf: (index) => `input[${index}]`, listField: "input" });
    return outcomes.map((o) => ({ claimId: o.claimId, settlement: o.settlement ? { ...storedSettlementView(o.settlement), ...(o.lines ? { inlineLines: o.lines.map(storedLineView) } : {}) } : null, error: o.error ? { code: o.error.code, field: o.error.field, message: o.error.message } : null }));
  }

  @Mutation(() => [SimulatedClaim], { description: "A what-if through the same engine: each claim as it stands once all are settled (a claim dated before others settles its year again in date order); at most MAX_BILLS_PER_REQUEST claims; stores nothing." })
  async simulateSettlement(@Arg("input", () => SimulationInput) input: SimulationInput, @Ctx() { principal }: ResolverContext): Promise<SimulatedClaim[]> {
    const parameters = input.parameters ? Object.fromEntries(input.parameters.map((p) => [p.id, p.value])) : null;
    const results = await this.services.settlements.simulate(principal, {
      jurisdiction: input.jurisdiction,
      beneficiaryId: input.beneficiaryId,
      beneficiary: input.beneficiary ? { id: input.beneficiary.id, identities: input.beneficiary.identities, applications: input.beneficiary.applications, phaseOuts: input.beneficiary.phaseOuts } : undefined,
      claims: input.claims.map((claim) => claimInputToRaw(claim)),
      parameters,
    });
    return results.map((r) => ({
      claimId: r.claimId,
      settlement: r.settlement ? simulatedSettlementView(r.settlement) : null,
      error: r.error ? { code: r.error.code, field: r.error.field, message: r.error.message } : null,
    }));
  }

  @Mutation(() => [Settlement], { description: "Re-settles a beneficiary's year under the versions in force now, recording differences as adjustments (ADMIN)." })
  async resettle(
    @Arg("beneficiaryId") beneficiaryId: string,
    @Arg("year", () => Int) year: number,
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<Settlement[]> {
    return (await this.services.settlements.resettle(principal, beneficiaryId, year, jurisdiction)).map(storedSettlementView);
  }

  @Query(() => AnnualSummary, { description: "Per tier: paid this year, the cap left and the deductible left." })
  async annualSummary(
    @Arg("beneficiaryId") beneficiaryId: string,
    @Arg("year", () => Int) year: number,
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<AnnualSummary> {
    const tiers = await this.services.settlements.annualSummary(principal, beneficiaryId, year, jurisdiction);
    return { beneficiaryId, year, tiers };
  }

  @FieldResolver(() => [TierEnum], { description: "Staged settlement: the tiers still to come (commercial until the insurer reports, charity after it); empty for a complete settlement." })
  async pending(@Root() settlement: Settlement, @Ctx() context: ResolverContext): Promise<string[]> {
    return pendingTiers(await this.lines(settlement, context));
  }

  @FieldResolver(() => Boolean, { description: "False for a partial settlement (staged settlement: some tiers pending); charity entitlements count complete settlements only." })
  async complete(@Root() settlement: Settlement, @Ctx() context: ResolverContext): Promise<boolean> {
    return (await this.pending(settlement, context)).length === 0;
  }

  @FieldResolver(() => [SettlementLine])
  async lines(@Root() settlement: Settlement, @Ctx() { loaders }: ResolverContext): Promise<SettlementLine[]> {
    const lines = settlement.inlineLines ?? (await loaders.lines.load(settlement.id!)).map(storedLineView);
    return lines.map((line) => ({ ...line, settlementCategory: settlement.category }));
  }
}
