/**
 * GraphQL types of the charity ledger, entitlements, reports and resolution statements.
 */
import { Directive, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { DateScalar, MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { connectionOf, type Page } from "../lib/connection";
import { ClaimKindEnum, EntitlementStatusEnum, FundKindEnum, IncomeTypeEnum, LedgerDirectionEnum, LedgerEntryTypeEnum, LineSourceEnum, TierEnum } from "../gateway/enums";
import type { FundKind, IncomeType } from "./charity.entity";

/** The charity federation's fund: an entity of the federation, known by its id. */
@Directive('@key(fields: "id")')
@ObjectType({ description: "A charity fund: the city federation's 慈善医疗救助共富基金 or a township's 专项共富基金." })
export class CharityFund {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => FundKindEnum)
  kind!: string;

  @Field()
  jurisdiction!: string;

  @Field(() => String, { nullable: true })
  township!: string | null;

  @Field(() => MoneyScalar, { description: "The sum of the fund's ledger." })
  balance!: Money;
}

@ObjectType({ description: "An entry of a fund's append-only ledger." })
export class LedgerEntry {
  @Field(() => Int)
  id!: number;

  @Field()
  fundId!: string;

  @Field(() => LedgerEntryTypeEnum)
  type!: string;

  @Field(() => LedgerDirectionEnum)
  direction!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => MoneyScalar)
  balanceAfter!: Money;

  @Field(() => Int, { nullable: true })
  reversesEntryId!: number | null;

  @Field(() => String, { nullable: true })
  entitlementId!: string | null;

  @Field(() => String, { nullable: true })
  beneficiaryId!: string | null;

  @Field(() => String, { nullable: true })
  claimId!: string | null;

  @Field(() => String, { nullable: true })
  counterpartFundId!: string | null;

  @Field(() => String, { nullable: true, description: "The pack rule that set the order of funds for an allocation." })
  fundOrderRule!: string | null;

  @Field()
  requestId!: string;

  @Field()
  actor!: string;

  @Field()
  reason!: string;

  @Field()
  createdAt!: string;
}

export const LedgerConnection = connectionOf(LedgerEntry, "Ledger");
export type LedgerConnection = Page<LedgerEntry>;

@ObjectType({ description: "A household's top-up entitlement for a year: the charity tier of its settlements." })
export class CharityEntitlement {
  @Field(() => ID)
  id!: string;

  @Field()
  beneficiaryId!: string;

  @Field()
  jurisdiction!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => MoneyScalar)
  allocated!: Money;

  @Field(() => MoneyScalar, { description: "What is still to be allocated." })
  outstanding!: Money;

  @Field(() => EntitlementStatusEnum, { description: "OVER_ALLOCATED when a re-settlement lowered the entitlement below what was allocated (reverse the excess)." })
  status!: string;

  @Field(() => String, { nullable: true })
  claimId!: string | null;

  @Field()
  updatedAt!: string;
}

export const EntitlementConnection = connectionOf(CharityEntitlement, "Entitlement");
export type EntitlementConnection = Page<CharityEntitlement>;

@ObjectType()
export class AllocationPart {
  @Field()
  fundId!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => Int)
  entryId!: number;
}

@ObjectType({ description: "What an allocation did. Repeating the request id returns the same result." })
export class AllocationResult {
  @Field()
  requestId!: string;

  @Field()
  entitlementId!: string;

  @Field(() => [AllocationPart])
  parts!: AllocationPart[];

  @Field(() => MoneyScalar)
  allocated!: Money;

  @Field(() => MoneyScalar, { description: "What the funds could not cover; the entitlement stays open for it." })
  shortfall!: Money;

  @Field(() => String, { nullable: true })
  fundOrderRule!: string | null;

  @Field(() => String, { nullable: true })
  fundOrderClause!: string | null;

  @Field(() => CharityEntitlement)
  entitlement!: CharityEntitlement;
}

@ObjectType()
export class LedgerResult {
  @Field()
  requestId!: string;

  @Field(() => [Int])
  entryIds!: number[];
}

@ObjectType()
export class FundReport {
  @Field(() => CharityFund)
  fund!: CharityFund;

  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar)
  to!: string;

  @Field(() => MoneyScalar)
  openingBalance!: Money;

  @Field(() => MoneyScalar, { description: "Donations and grants." })
  income!: Money;

  @Field(() => MoneyScalar)
  transfersIn!: Money;

  @Field(() => MoneyScalar)
  transfersOut!: Money;

  @Field(() => MoneyScalar)
  allocations!: Money;

  @Field(() => MoneyScalar)
  reversals!: Money;

  @Field(() => MoneyScalar)
  closingBalance!: Money;

  @Field(() => Int)
  householdsServed!: number;

  @Field(() => Int)
  entries!: number;
}

@ObjectType()
export class StatementLine {
  @Field(() => TierEnum)
  tier!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => String, { nullable: true })
  ruleId!: string | null;

  @Field(() => String, { nullable: true, description: "The rule in words, as the pack labels it." })
  ruleName!: string | null;

  @Field(() => String, { nullable: true })
  clause!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => LineSourceEnum)
  source!: string;

  @Field({ description: "The line as a Chinese sentence (the same words as SettlementLine.explanation)." })
  explanation!: string;
}

@ObjectType()
export class StatementClaim {
  @Field()
  claimId!: string;

  @Field(() => DateScalar)
  date!: string;

  @Field(() => ClaimKindEnum)
  kind!: string;

  @Field(() => MoneyScalar)
  total!: Money;

  @Field(() => MoneyScalar)
  policyScope!: Money;

  @Field()
  packId!: string;

  @Field(() => Int)
  packVersion!: number;

  @Field(() => String, { nullable: true, description: "The category that decided the settlement." })
  category!: string | null;

  @Field(() => [StatementLine])
  lines!: StatementLine[];

  @Field(() => MoneyScalar)
  selfPayBeforeCharity!: Money;
}

@ObjectType()
export class TierTotal {
  @Field(() => TierEnum)
  tier!: string;

  @Field(() => MoneyScalar)
  amount!: Money;
}

@ObjectType()
export class StatementAllocation {
  @Field(() => Int)
  entryId!: number;

  @Field()
  fundId!: string;

  @Field()
  fundName!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field(() => DateScalar)
  date!: string;

  @Field({ description: "True when the allocation was later reversed (it then counts for nothing)." })
  reversed!: boolean;

  @Field(() => String, { nullable: true })
  fundOrderRule!: string | null;

  @Field({ description: "Why the allocation was made, as the charity office wrote it." })
  reason!: string;
}

@ObjectType()
export class StatementHousehold {
  @Field()
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  nationalId!: string | null;

  @Field()
  jurisdiction!: string;

  @Field()
  jurisdictionName!: string;

  @Field(() => String, { nullable: true })
  township!: string | null;

  @Field(() => [String], { description: "The assistance categories (救助身份) held in the year, in the pack's words." })
  categories!: string[];
}

@ObjectType({ description: "化解清单: what each layer paid on a household's bills in a year, what charity funds allocated, and what it still pays." })
export class ResolutionStatement {
  @Field(() => StatementHousehold)
  beneficiary!: StatementHousehold;

  @Field(() => Int)
  year!: number;

  @Field({ description: "The statement's serial number: the same for a household's year while its content is unchanged." })
  serial!: string;

  @Field(() => [StatementClaim])
  claims!: StatementClaim[];

  @Field(() => [TierTotal])
  tierTotals!: TierTotal[];

  @Field(() => MoneyScalar)
  billTotal!: Money;

  @Field(() => MoneyScalar, { description: "What the household would pay after the insurance and assistance layers." })
  selfPayBeforeCharity!: Money;

  @Field(() => MoneyScalar, { description: "The charity top-up the policy entitles it to." })
  charityEntitlement!: Money;

  @Field(() => [StatementAllocation])
  allocations!: StatementAllocation[];

  @Field(() => MoneyScalar)
  charityAllocated!: Money;

  @Field(() => MoneyScalar, { description: "What the household still pays: self-pay less what charity funds allocated." })
  stillPays!: Money;
}

@InputType()
export class CharityFundInput {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => FundKindEnum)
  kind!: FundKind;

  @Field()
  jurisdiction!: string;

  @Field(() => String, { nullable: true })
  township?: string | null;
}

@InputType()
export class FundIncomeInput {
  @Field({ description: "Chosen by the client, the same for a retry: the idempotency key." })
  requestId!: string;

  @Field()
  fundId!: string;

  @Field(() => IncomeTypeEnum)
  type!: IncomeType;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field()
  reason!: string;
}

@InputType()
export class FundTransferInput {
  @Field()
  requestId!: string;

  @Field()
  fromFundId!: string;

  @Field()
  toFundId!: string;

  @Field(() => MoneyScalar)
  amount!: Money;

  @Field()
  reason!: string;
}

@InputType()
export class AllocationPlanPart {
  @Field()
  fundId!: string;

  @Field(() => MoneyScalar)
  amount!: Money;
}

@InputType()
export class ReversalInput {
  @Field()
  requestId!: string;

  @Field(() => Int)
  entryId!: number;

  @Field()
  reason!: string;
}
