/**
 * GraphQL types of claims.
 */
import { Directive, Field, ID, InputType, ObjectType } from "type-graphql";
import { DateScalar, MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { ClaimKindEnum, ClaimStatusEnum, InsuredTypeEnum } from "../gateway/enums";

@ObjectType({ description: "The fee split of a bill; policyScope = total − outOfCatalog − classBSelfPay − overStandard." })
export class Fees {
  @Field(() => MoneyScalar)
  total!: Money;

  @Field(() => MoneyScalar)
  outOfCatalog!: Money;

  @Field(() => MoneyScalar)
  classBSelfPay!: Money;

  @Field(() => MoneyScalar)
  overStandard!: Money;

  @Field(() => MoneyScalar)
  policyScope!: Money;
}

@ObjectType({ description: "Tier amounts the submitting partner reported as already settled." })
export class ReportedTiers {
  @Field(() => MoneyScalar, { nullable: true })
  basic!: Money | null;

  @Field(() => MoneyScalar, { nullable: true })
  critical!: Money | null;

  @Field(() => MoneyScalar, { nullable: true })
  assistance!: Money | null;

  @Field(() => MoneyScalar, { nullable: true })
  reassistance!: Money | null;

  @Field(() => MoneyScalar, { nullable: true })
  commercial!: Money | null;
}

/** Medical insurance's bill: an entity of the federation, known by its jurisdiction and the partner's id. */
@Directive('@key(fields: "jurisdiction id")')
@ObjectType({ description: "A medical bill of a beneficiary." })
export class Claim {
  @Field(() => ID)
  id!: string;

  @Field()
  beneficiaryId!: string;

  @Field()
  jurisdiction!: string;

  @Field(() => DateScalar)
  date!: string;

  @Field(() => ClaimKindEnum)
  kind!: string;

  @Field()
  referred!: boolean;

  @Field()
  inProvince!: boolean;

  @Field()
  guidanceFollowed!: boolean;

  @Field(() => InsuredTypeEnum, { description: "居民 or 职工 insured; RESIDENT when the partner did not say (a project decision)." })
  insuredType!: string;

  @Field(() => ClaimStatusEnum)
  status!: string;

  @Field()
  submittedAt!: string;
}

@InputType()
export class FeesInput {
  @Field(() => MoneyScalar)
  total!: Money;

  @Field(() => MoneyScalar, { nullable: true })
  outOfCatalog?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  classBSelfPay?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  overStandard?: Money;
}

@InputType({ description: "Tiers already settled by the partner (usually basic and critical insurance)." })
export class ReportedTiersInput {
  @Field(() => MoneyScalar, { nullable: true })
  basic?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  critical?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  assistance?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  reassistance?: Money;

  @Field(() => MoneyScalar, { nullable: true })
  commercial?: Money;
}

@InputType()
export class ClaimInput {
  @Field(() => ID, { description: "The partner's own id of the bill: the idempotency key." })
  id!: string;

  @Field()
  beneficiaryId!: string;

  @Field(() => String, { nullable: true, description: "The beneficiary's jurisdiction: needed only when the key covers several that hold this beneficiary id." })
  jurisdiction?: string | null;

  @Field(() => DateScalar)
  date!: string;

  @Field(() => ClaimKindEnum)
  kind!: string;

  @Field({ nullable: true, defaultValue: true })
  referred?: boolean;

  @Field({ nullable: true, defaultValue: true })
  inProvince?: boolean;

  @Field({ nullable: true, defaultValue: true })
  guidanceFollowed?: boolean;

  @Field(() => InsuredTypeEnum, { nullable: true, description: "居民 or 职工 insured; RESIDENT when omitted (a project decision)." })
  insuredType?: string | null;

  @Field(() => FeesInput)
  fees!: FeesInput;

  @Field(() => ReportedTiersInput, { nullable: true })
  reported?: ReportedTiersInput;
}

/** The raw shape the engine's input checks read: amounts as strings, as on the wire. */
export function claimInputToRaw(input: ClaimInput): Record<string, unknown> {
  const text = (value: Money | undefined | null) => (value === undefined || value === null ? undefined : value.toFixed(2));
  const reported: Record<string, string> = {};
  for (const [tier, value] of Object.entries(input.reported ?? {})) if (value) reported[tier] = (value as Money).toFixed(2);
  return {
    id: input.id,
    beneficiaryId: input.beneficiaryId,
    jurisdiction: input.jurisdiction ?? undefined,
    date: input.date,
    kind: input.kind,
    referred: input.referred ?? true,
    inProvince: input.inProvince ?? true,
    guidanceFollowed: input.guidanceFollowed ?? true,
    insuredType: input.insuredType ?? undefined,
    fees: { total: text(input.fees.total), outOfCatalog: text(input.fees.outOfCatalog), classBSelfPay: text(input.fees.classBSelfPay), overStandard: text(input.fees.overStandard) },
    reported,
  };
}
