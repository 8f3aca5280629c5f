/**
 * The settlements subgraph's part of a person: medical insurance owns the claims, so
 * `Beneficiary.claims` is served here, on the key civil affairs' subgraph gives the person by. The
 * name, categories and the rest come from the owner of the person (the beneficiaries subgraph or an
 * office's own registry), joined by the gateway.
 */
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../gateway/context";
import { partnerId } from "../access/tenant-ids";
import type { ClaimEntity } from "./claim.entity";
import { Claim } from "./claim.types";

/** A person as settlements knows one: the stored key and its jurisdiction, nothing of the registry. */
export interface BeneficiaryKey {
  key: string;
  jurisdiction: string;
}

@Directive('@key(fields: "jurisdiction id")')
@ObjectType("Beneficiary", { description: "A person assisted by a jurisdiction's medical-assistance programme." })
export class BeneficiaryOfClaims {
  @Field(() => ID)
  id!: string;

  @Field({ description: "The rule pack id of the jurisdiction, e.g. liaocheng." })
  jurisdiction!: string;
}

@Resolver(() => BeneficiaryOfClaims)
export class BeneficiaryClaimsResolver {
  @FieldResolver(() => ID, { description: "The partner's own id, unique within the jurisdiction." })
  id(@Root() beneficiary: BeneficiaryKey): string {
    return partnerId(beneficiary.key);
  }

  @FieldResolver(() => [Claim], { description: "The beneficiary's claims in settlement order (date, then arrival)." })
  claims(@Root() beneficiary: BeneficiaryKey, @Ctx() { loaders }: GatewayContext): Promise<ClaimEntity[]> {
    return loaders.claimsOfBeneficiary.load(beneficiary.key);
  }
}
