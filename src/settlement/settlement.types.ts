/**
 * GraphQL types of settlements and their explanations.
 */
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { GraphQLJSON, GraphQLJSONObject } from "graphql-scalars";
import { DateScalar, MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { BeneficiaryInput } from "../beneficiary/beneficiary.types";
import { ClaimInput } from "../claim/claim.types";
import { CategoryEnum, LineSourceEnum, SettlementCauseEnum, SettlementStatusEnum, TierEnum, TierOrSelfPayEnum } from "../gateway/enums";

@ObjectType({ description: "One tier of a settlement: the amount, and the rule, clause and figures behind it." })
export class SettlementLine {
  @Field(() => TierEnum)
  tier!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => LineSourceEnum)
  source!: string;

  @Field(() => String, { nullable: true })
  ruleId!: string | null;

  @Field()
  packId!: string;

  @Field(() => Int)
  packVersion!: number;

  @Field(() => String, { nullable: true, description: "The policy clause: document number and clause, e.g. 聊政办发〔2022〕5号 三(四)1." })
  clause!: string | null;

  @Field(() => String, { nullable: true })
  formula!: string | null;

  @Field(() => GraphQLJSONObject, { description: "The figures the formula used (base, deductibleLeft, ratio, capLeft, …), as strings." })
  figures!: Record<string, string>;

  @Field(() => String, { nullable: true, description: "Why the tier paid nothing: NO_CATEGORY, NO_RULE, RULE_EXCLUDES, UNDER_THRESHOLD, CAP_USED_UP, NOTHING_LEFT, NOT_IN_PACK, TRANSITION_ENDED (the rule held only in a transitional period that has ended); PENDING for a tier the insurer reports later (staged settlement)." })
  reason!: string | null;

  @Field()
  note!: string;

  /** The settlement's deciding category, for the explanation (not a field of its own). */
  settlementCategory?: string | null;

  @Field(() => String, { nullable: true, description: "The category whose rule this tier followed (就高不重复 per tier: the best of the categories held); null for an ordinary insured." })
  category!: string | null;

  @Field({ description: "True when a category held has a rule for this tier whose figures are not set and might pay more: the line is settled up (补差) once they are set." })
  provisional!: boolean;

  @Field(() => [String], { description: "The parameters without a value that make the line provisional." })
  missingParameters!: string[];
}

@ObjectType({ description: "How a claim was settled across the tiers, under one pack version." })
export class Settlement {
  @Field(() => ID, { nullable: true, description: "Null for a what-if that was not stored." })
  id!: string | null;

  @Field()
  claimId!: string;

  @Field()
  beneficiaryId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => DateScalar)
  date!: string;

  @Field()
  packId!: string;

  @Field(() => Int)
  packVersion!: number;

  @Field(() => CategoryEnum, { nullable: true, description: "The category that decided (就高不重复); null for an ordinary insured." })
  category!: string | null;

  @Field(() => [CategoryEnum])
  categoriesHeld!: string[];

  @Field(() => MoneyScalar)
  total!: Money;

  @Field(() => MoneyScalar)
  policyScope!: Money;

  @Field(() => MoneyScalar)
  selfPay!: Money;

  @Field(() => SettlementStatusEnum)
  status!: string;

  @Field(() => SettlementCauseEnum)
  cause!: string;

  @Field(() => String, { nullable: true })
  settledAt!: string | null;

  /** Resolved from the lines (staged settlement): the tiers still to come. */
  pending?: string[];

  /** Lines of a what-if travel with it; stored lines are loaded per request. */
  inlineLines?: SettlementLine[];
}

@ObjectType({ description: "A tier's amount (or self-pay) before and after a change, and the difference." })
export class TierChange {
  @Field(() => TierOrSelfPayEnum)
  tier!: string;

  @Field(() => MoneyScalar)
  before!: Money;

  @Field(() => MoneyScalar)
  after!: Money;

  @Field(() => MoneyScalar)
  difference!: Money;
}

@ObjectType({ description: "A change of a tier's amount on a claim, caused by re-settling its year." })
export class Adjustment extends TierChange {
  @Field()
  fromSettlementId!: string;

  @Field()
  toSettlementId!: string;

  @Field()
  cause!: string;

  @Field()
  createdAt!: string;
}

@ObjectType()
export class TierSummary {
  @Field(() => TierEnum)
  tier!: string;

  @Field(() => MoneyScalar)
  paid!: Money;

  @Field(() => MoneyScalar, { description: "The cumulative base the tier has counted this year." })
  base!: Money;

  @Field(() => String, { nullable: true, description: "The rule that would apply to a referred inpatient bill at the year's end." })
  ruleId!: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: "Null when the rule has no cap or no rule applies." })
  capLeft!: Money | null;

  @Field(() => MoneyScalar, { nullable: true })
  deductibleLeft!: Money | null;
}

@ObjectType()
export class AnnualSummary {
  @Field()
  beneficiaryId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => [TierSummary])
  tiers!: TierSummary[];
}

@ObjectType()
export class SimulationError {
  @Field()
  code!: string;

  @Field()
  field!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: "One claim of a what-if: its settlement, or why it would be refused." })
export class SimulatedClaim {
  @Field()
  claimId!: string;

  @Field(() => Settlement, { nullable: true })
  settlement!: Settlement | null;

  @Field(() => SimulationError, { nullable: true })
  error!: SimulationError | null;
}

@ObjectType({ description: "One bill of a batch (settleClaims), in input order: its settlement — new, or the one stored for the same bill — or why it was refused." })
export class BatchBillResult {
  @Field()
  claimId!: string;

  @Field(() => Settlement, { nullable: true })
  settlement!: Settlement | null;

  @Field(() => SimulationError, { nullable: true })
  error!: SimulationError | null;
}

@InputType()
export class ParameterOverride {
  @Field()
  id!: string;

  @Field(() => GraphQLJSON, { description: "The value as the pack writes it: an amount, a ratio or a share as a string, or a schedule as a list of {from, ratio}." })
  value!: unknown;
}

@InputType({ description: "A what-if: nothing is stored." })
export class SimulationInput {
  @Field()
  jurisdiction!: string;

  @Field(() => String, { nullable: true, description: "A stored beneficiary: the what-if starts from their stored year." })
  beneficiaryId?: string | null;

  @Field(() => BeneficiaryInput, { nullable: true, description: "Or a beneficiary described inline (jurisdiction and name are ignored)." })
  beneficiary?: BeneficiaryInput | null;

  @Field(() => [ClaimInput])
  claims!: ClaimInput[];

  @Field(() => [ParameterOverride], { nullable: true, description: "Pack parameters to try with other values." })
  parameters?: ParameterOverride[] | null;
}
