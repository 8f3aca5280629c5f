/**
 * GraphQL queries and mutations on claims.
 */
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { BeneficiaryOfClaims } from "./beneficiary-claims.resolver";
import type { PersonKey } from "../access/person-key";
import { Adjustment, Settlement } from "../settlement/settlement.types";
import { storedSettlementView } from "../settlement/settlement.views";
import type { AdjustmentEntity } from "../settlement/settlement.entity";
import { JURISDICTION_ARG, candidateKeys, onlyOne, partnerId } from "../access/tenant-ids";
import type { ClaimEntity } from "./claim.entity";
import { Claim, ClaimInput, Fees, ReportedTiers, claimInputToRaw } from "./claim.types";
import type { RequestContext } from "../access/request-context";
import type { ClaimService } from "./claim.service";
import type { RulePackService } from "../rules/rule-pack.service";
import type { ClaimLoaders } from "./claim.loaders";
import type { SettlementLoaders } from "../settlement/settlement.loaders";

/** What this resolver reads per request. */
type ResolverContext = RequestContext<ClaimLoaders & SettlementLoaders>;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { claims: ClaimService; packs: RulePackService }

@Resolver(() => Claim)
export class ClaimResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => Claim, { nullable: true, description: "A claim, or null when there is none the key may see." })
  async claim(
    @Arg("id", () => ID) id: string,
    @Ctx() { principal, loaders }: ResolverContext,
    @Arg("jurisdiction", () => String, JURISDICTION_ARG) jurisdiction?: string,
  ): Promise<ClaimEntity | null> {
    const found = await loaders.claim.loadMany(candidateKeys(principal, id, this.services.packs.jurisdictions(), jurisdiction));
    return onlyOne(found.filter((c): c is ClaimEntity => c !== null && !(c instanceof Error)), "claim", id, "jurisdiction");
  }

  @Mutation(() => Claim, { description: "Submits a bill, idempotently by its id (PARTNER for its jurisdictions, ADMIN)." })
  async submitClaim(@Arg("input", () => ClaimInput) input: ClaimInput, @Ctx() { principal }: ResolverContext): Promise<ClaimEntity> {
    return this.services.claims.submit(principal, claimInputToRaw(input));
  }

  @FieldResolver(() => ID)
  id(@Root() claim: ClaimEntity): string {
    return partnerId(claim.id);
  }

  @FieldResolver(() => String)
  beneficiaryId(@Root() claim: ClaimEntity): string {
    return partnerId(claim.beneficiaryId);
  }

  @FieldResolver(() => Fees)
  fees(@Root() claim: ClaimEntity): Fees {
    return {
      total: claim.total,
      outOfCatalog: claim.outOfCatalog,
      classBSelfPay: claim.classBSelfPay,
      overStandard: claim.overStandard,
      policyScope: claim.total.minus(claim.outOfCatalog).minus(claim.classBSelfPay).minus(claim.overStandard),
    };
  }

  @FieldResolver(() => ReportedTiers)
  reported(@Root() claim: ClaimEntity): ReportedTiers {
    return { basic: claim.reportedBasic, critical: claim.reportedCritical, assistance: claim.reportedAssistance, reassistance: claim.reportedReassistance, commercial: claim.reportedCommercial };
  }

  @FieldResolver(() => BeneficiaryOfClaims, { description: "The person billed; the gateway joins the rest of the person from its owner." })
  beneficiary(@Root() claim: ClaimEntity): PersonKey {
    return { key: claim.beneficiaryId, jurisdiction: claim.jurisdiction };
  }

  @FieldResolver(() => Settlement, { nullable: true, description: "The current settlement; null while the claim is only submitted." })
  async settlement(@Root() claim: ClaimEntity, @Ctx() { loaders }: ResolverContext): Promise<Settlement | null> {
    const entity = await loaders.currentSettlement.load(claim.id);
    return entity ? storedSettlementView(entity) : null;
  }

  @FieldResolver(() => [Settlement], { description: "Every settlement of the claim, oldest first, superseded ones included." })
  async settlementHistory(@Root() claim: ClaimEntity, @Ctx() { loaders }: ResolverContext): Promise<Settlement[]> {
    return (await loaders.settlementHistory.load(claim.id)).map(storedSettlementView);
  }

  @FieldResolver(() => [Adjustment], { description: "Changes to the claim's amounts when its year was settled again." })
  adjustments(@Root() claim: ClaimEntity, @Ctx() { loaders }: ResolverContext): Promise<AdjustmentEntity[]> {
    return loaders.adjustments.load(claim.id);
  }
}
