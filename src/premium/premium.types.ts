/**
 * GraphQL types of the premium subsidy (资助参保).
 */
import { Field, Int, ObjectType } from "type-graphql";
import { MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { CategoryEnum } from "../gateway/enums";

@ObjectType({ description: "资助参保: the part of a person's individual premium paid for them in a year." })
export class PremiumSubsidy {
  @Field()
  beneficiaryId!: string;

  @Field(() => Int)
  year!: number;

  @Field()
  packId!: string;

  @Field(() => Int)
  packVersion!: number;

  @Field(() => CategoryEnum, { nullable: true, description: "The category that decides, by the pack's basis." })
  category!: string | null;

  @Field({ description: "True when that category is held in the year only as a 渐退期 (phase-out) whose subsidy the pack continues (乐清 三(三)8)." })
  phaseOut!: boolean;

  @Field({ description: "HIGHEST_IN_YEAR or FIRST_IN_YEAR (威海: the first identity certified in the year)." })
  basis!: string;

  @Field(() => String, { nullable: true })
  ruleId!: string | null;

  @Field(() => String, { nullable: true })
  clause!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true, description: "The share of the contribution standard paid, as a decimal (e.g. 0.9)." })
  share!: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: "Null while a figure it needs has no value (see missingParameters)." })
  amount!: Money | null;

  @Field(() => [String])
  missingParameters!: string[];
}

@ObjectType()
export class PremiumSubsidyRow {
  @Field()
  category!: string;

  @Field(() => String, { nullable: true })
  ruleId!: string | null;

  @Field(() => Int)
  count!: number;

  @Field(() => MoneyScalar, { nullable: true })
  total!: Money | null;

  @Field(() => [String])
  missingParameters!: string[];
}

@ObjectType({ description: "Count and total per category for the finance office (also as CSV at /reports/premium-subsidy/:jurisdiction/:year.csv)." })
export class PremiumSubsidyReport {
  @Field()
  jurisdiction!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  packVersion!: number;

  @Field(() => [PremiumSubsidyRow])
  rows!: PremiumSubsidyRow[];

  @Field(() => Int)
  people!: number;

  @Field(() => MoneyScalar, { nullable: true })
  total!: Money | null;
}
