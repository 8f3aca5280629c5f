/**
 * The settlements subgraph's part of a person: medical insurance owns the claims, so
 * `Beneficiary.claims` is served here, on the key civil affairs' subgraph gives the person by. The
 * name, categories and the rest come from the owner of the person (the beneficiaries subgraph or an
 * office's own registry), joined by the gateway.
 */
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { beneficiaryKeyResolver, beneficiaryKeyType, type PersonKey } from "../access/person-key";
import type { ClaimEntity } from "./claim.entity";
import { Claim } from "./claim.types";
import type { RequestContext } from "../access/request-context";
import type { ClaimLoaders } from "./claim.loaders";

/** What this resolver reads per request. */
type ResolverContext = RequestContext<ClaimLoaders>;

export const BeneficiaryOfClaims = beneficiaryKeyType();

@Resolver(() => BeneficiaryOfClaims)
export class BeneficiaryClaimsResolver extends beneficiaryKeyResolver(BeneficiaryOfClaims) {
  @FieldResolver(() => [Claim], { description: "The beneficiary's claims in settlement order (date, then arrival)." })
  claims(@Root() beneficiary: PersonKey, @Ctx() { loaders }: ResolverContext): Promise<ClaimEntity[]> {
    return loaders.claimsOfBeneficiary.load(beneficiary.key);
  }
}
