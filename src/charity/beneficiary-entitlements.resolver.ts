/**
 * The charity subgraph's part of a person: the charity federation owns the top-up entitlements, so
 * `Beneficiary.charityEntitlements` is served here, on the key the person's owner gives; the gateway
 * joins it with the person and the person's claims.
 */
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../gateway/context";
import type { Services } from "../gateway/services";
import { partnerId } from "../access/tenant-ids";
import { CharityEntitlement } from "./charity.types";
import { entitlementView } from "./charity.resolver";

/** A household as the charity knows one: the stored key and its jurisdiction. */
export interface HouseholdKey {
  key: string;
  jurisdiction: string;
}

@Directive('@key(fields: "jurisdiction id")')
@ObjectType("Beneficiary", { description: "A person assisted by a jurisdiction's medical-assistance programme." })
export class BeneficiaryOfCharity {
  @Field(() => ID)
  id!: string;

  @Field({ description: "The rule pack id of the jurisdiction, e.g. liaocheng." })
  jurisdiction!: string;
}

@Resolver(() => BeneficiaryOfCharity)
export class BeneficiaryEntitlementsResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => ID, { description: "The partner's own id, unique within the jurisdiction." })
  id(@Root() household: HouseholdKey): string {
    return partnerId(household.key);
  }

  @FieldResolver(() => [CharityEntitlement], { description: "The household's charity top-up entitlements, year by year (the charity federation's)." })
  async charityEntitlements(@Root() household: HouseholdKey, @Ctx() { principal }: GatewayContext): Promise<CharityEntitlement[]> {
    return (await this.services.charity.entitlementsOfHousehold(principal, household.key, household.jurisdiction)).map(entitlementView);
  }
}
