/**
 * GraphQL types of rule packs.
 */
import { Field, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { DateScalar, MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { connectionOf, type Page } from "../lib/connection";
import { TierChange } from "../settlement/settlement.types";
import { PackStatusEnum } from "../gateway/enums";

@ObjectType({ description: "A version of a jurisdiction's rule pack." })
export class RulePack {
  @Field()
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => PackStatusEnum)
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

  @Field()
  publishedBy!: string;

  @Field(() => Int, { nullable: true, description: "The version whose activation retired this one." })
  retiredBy!: number | null;

  @Field(() => String, { nullable: true })
  retiredAt!: string | null;

  // A pack document is 18–28 KB, about a thousand values: its cost counts them (see query-limits).
  @Field(() => GraphQLJSONObject, { description: "The pack document as published.", complexity: 1000 })
  document!: Record<string, unknown>;
}

@ObjectType()
export class PublishResult {
  @Field(() => RulePack)
  pack!: RulePack;

  @Field(() => Int, { description: "Scenario claims checked against the version." })
  scenariosChecked!: number;

  @Field(() => [String], { description: "Stored scenarios replaced by attached ones of the same name." })
  scenariosReplaced!: string[];
}

@ObjectType()
export class HouseholdChange {
  @Field()
  beneficiaryId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => MoneyScalar)
  selfPayChange!: Money;

  @Field(() => [TierChange])
  tierChanges!: TierChange[];
}

@ObjectType()
export class PreviewRefusal {
  @Field()
  claimId!: string;

  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: "What a version would change on stored settlements; nothing is written." })
export class PackPreview {
  @Field()
  packId!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Int)
  householdsExamined!: number;

  @Field(() => Int)
  settlementsExamined!: number;

  @Field(() => Int)
  settlementsChanged!: number;

  @Field(() => [TierChange], { description: "The total change per tier (and of self-pay)." })
  tierChanges!: TierChange[];

  @Field(() => [HouseholdChange], { description: "The 20 households whose amounts change most." })
  largest!: HouseholdChange[];

  @Field(() => [PreviewRefusal], { description: "Years the version could not settle, with the reason (the first 100 by household)." })
  refusals!: PreviewRefusal[];

  @Field(() => Int, { description: "How many years the version could not settle (the list stops at 100)." })
  refusalCount!: number;
}

@ObjectType()
export class AuditEntry {
  @Field(() => Int)
  id!: number;

  @Field()
  at!: string;

  @Field()
  actor!: string;

  @Field()
  action!: string;

  @Field()
  subjectType!: string;

  @Field()
  subjectId!: string;

  @Field(() => GraphQLJSONObject)
  detail!: Record<string, unknown>;
}

export const AuditConnection = connectionOf(AuditEntry, "Audit");
export type AuditConnection = Page<AuditEntry>;
