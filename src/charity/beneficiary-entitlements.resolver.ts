/**
 * The charity subgraph's part of a person: the charity federation owns the top-up entitlements, so
 * `Beneficiary.charityEntitlements` is served here, on the key the person's owner gives; the gateway
 * joins it with the person and the person's claims.
 */
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { beneficiaryKeyResolver, beneficiaryKeyType, type PersonKey } from "../access/person-key";
import { CharityEntitlement } from "./charity.types";
import { entitlementView } from "./charity.resolver";
import type { RequestContext } from "../access/request-context";
import type { CharityService } from "./charity.service";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { charity: CharityService }

export const BeneficiaryOfCharity = beneficiaryKeyType();

@Resolver(() => BeneficiaryOfCharity)
export class BeneficiaryEntitlementsResolver extends beneficiaryKeyResolver(BeneficiaryOfCharity) {
  constructor(private readonly services: ResolverServices) {
    super();
  }

  @FieldResolver(() => [CharityEntitlement], { description: "The household's charity top-up entitlements, year by year (the charity federation's)." })
  async charityEntitlements(@Root() household: PersonKey, @Ctx() { principal }: ResolverContext): Promise<CharityEntitlement[]> {
    return (await this.services.charity.entitlementsOfHousehold(principal, household.key, household.jurisdiction)).map(entitlementView);
  }
}
