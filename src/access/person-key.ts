/**
 * A person as a subgraph that does not own people knows one: the stored key and its jurisdiction.
 * Settlements (`Beneficiary.claims`) and the charity (`Beneficiary.charityEntitlements`) each extend
 * civil affairs' `Beneficiary` entity on its key `jurisdiction id`; this is that key's one
 * definition. Each subgraph needs its own class (type-graphql attaches a class's field resolvers to
 * every schema it is part of), so the class is made by a function.
 */
import { Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, type ClassType } from "type-graphql";
import { partnerId } from "./tenant-ids";

/** The stored key (`<jurisdiction>:<id>`) of a person, and its jurisdiction. */
export interface PersonKey {
  key: string;
  jurisdiction: string;
}

/** The key fields of `Beneficiary`, as an entity type of a subgraph that extends it. */
export function beneficiaryKeyType(): ClassType<{ id: string; jurisdiction: string }> {
  @Directive('@key(fields: "jurisdiction id")')
  @ObjectType("Beneficiary", { description: "A person assisted by a jurisdiction's medical-assistance programme." })
  class BeneficiaryKeyFields {
    @Field(() => ID)
    id!: string;

    @Field({ description: "The rule pack id of the jurisdiction, e.g. liaocheng." })
    jurisdiction!: string;
  }
  return BeneficiaryKeyFields;
}

/** The resolver base of such a type: the partner's id from the stored key. */
export function beneficiaryKeyResolver(type: ClassType) {
  @Resolver(() => type)
  abstract class BeneficiaryKeyResolver {
    @FieldResolver(() => ID, { description: "The partner's own id, unique within the jurisdiction." })
    id(@Root() person: PersonKey): string {
      return partnerId(person.key);
    }
  }
  return BeneficiaryKeyResolver;
}
