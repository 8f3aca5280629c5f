/**
 * GraphQL types of rule packs.
 */
import { Field, Int, ObjectType } from "type-graphql";
import { DateScalar } from "../lib/graphql";

@ObjectType({ description: "A version of a jurisdiction's rule pack." })
export class RulePack {
  @Field()
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: "DRAFT, ACTIVE or RETIRED." })
  status!: string;

  @Field()
  title!: string;

  @Field()
  jurisdictionName!: string;

  @Field({ description: "The policy document number, e.g. 聊政办发〔2022〕5号." })
  sourceDocument!: string;

  @Field(() => DateScalar, { description: "Claims from this date are settled under it (retroactive start included)." })
  appliesFrom!: string;

  @Field(() => DateScalar, { nullable: true })
  inForceTo!: string | null;

  @Field()
  hash!: string;

  @Field()
  publishedAt!: string;

  @Field(() => String, { nullable: true })
  activatedAt!: string | null;
}
