/**
 * GraphQL types of beneficiaries.
 */
import { Directive, Field, ID, InputType, ObjectType } from "type-graphql";
import { DateScalar } from "../lib/graphql";
import { connectionOf, type Page } from "../lib/connection";
import { ApplicationStatusEnum, CategoryEnum, ProgramEnum } from "../gateway/enums";

@ObjectType({ description: "A category (身份) held from `from` to `to` inclusive; `to` null means still held." })
export class CategoryPeriod {
  @Field(() => CategoryEnum)
  category!: string;

  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar, { nullable: true })
  to!: string | null;
}

@ObjectType({ description: "A programme applied for, e.g. 宜春 倾斜救助 (TILT_ASSISTANCE), and the decision on it: only an APPROVED application grants the programme, for the natural year of its application date." })
export class ProgramApplication {
  @Field(() => ProgramEnum)
  program!: string;

  @Field(() => DateScalar, { description: "The application date." })
  date!: string;

  @Field(() => ApplicationStatusEnum)
  status!: string;

  @Field(() => DateScalar, { nullable: true, description: "The date of the decision; null while PENDING." })
  decidedOn!: string | null;
}

/** Civil affairs' person: an entity of the federation, known by its jurisdiction and the partner's id. */
@Directive('@key(fields: "jurisdiction id")')
@ObjectType({ description: "A person assisted by a jurisdiction's medical-assistance programme." })
export class Beneficiary {
  @Field(() => ID)
  id!: string;

  @Field({ description: "The rule pack id of the jurisdiction, e.g. liaocheng." })
  jurisdiction!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: "The township (乡镇街道): its charity fund pays the household's top-up first." })
  township!: string | null;
}

@InputType()
export class CategoryPeriodInput {
  @Field({ description: "A Category. A String, not the enum, so that an unknown one is refused with UNKNOWN_CATEGORY." })
  category!: string;

  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar, { nullable: true })
  to?: string | null;
}

@InputType({ description: "An application. Without status it is recorded as approved on its date (a project decision, as before decisions were recorded); sent again without status it changes nothing. A decision on a PENDING application is recorded in its place; changing a decision taken is CONFLICT (removeApplication first)." })
export class ApplicationInput {
  @Field(() => ProgramEnum)
  program!: string;

  @Field(() => DateScalar, { description: "The application date." })
  date!: string;

  @Field(() => ApplicationStatusEnum, { nullable: true })
  status?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "The date of the decision: required for APPROVED and REFUSED, not before the application; none for PENDING." })
  decidedOn?: string | null;
}

@InputType({
  description:
    "A beneficiary's record, merged into the stored one: a field left out keeps its stored value (null clears nationalId or township); periods and applications sent are added, and a period sent with the category and start of a recorded one extends it. Shortening or removing a period is endCategoryPeriod / removeCategoryPeriod.",
})
export class BeneficiaryInput {
  @Field(() => ID)
  id!: string;

  @Field()
  jurisdiction!: string;

  @Field(() => String, { nullable: true, description: "Required for a new beneficiary; left out, the stored name stays." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "18-character resident ID number; shown masked to partners." })
  nationalId?: string | null;

  @Field(() => String, { nullable: true })
  township?: string | null;

  @Field(() => [CategoryPeriodInput], { nullable: true, description: "Periods to add or extend; recorded periods not listed stay." })
  identities?: CategoryPeriodInput[] | null;

  @Field(() => [ApplicationInput], { nullable: true, description: "Applications to add or decide; recorded ones not listed stay." })
  applications?: ApplicationInput[] | null;

  @Field(() => [CategoryPeriodInput], { nullable: true, description: "渐退期 (phase-out) periods certified by civil affairs after the person left a category, to add or extend; they confer no category, only what the pack grants a phase-out (乐清 三(三)8: the premium subsidy continues)." })
  phaseOuts?: CategoryPeriodInput[] | null;

  @Field({ defaultValue: false, description: "Proceed although settling the years again would take back money paid or allocated (refused with WOULD_REVERSE_PAID otherwise); recorded." })
  confirmReversal!: boolean;
}

@InputType({ description: "Removes a recorded category period (certified in error); the row is kept, retracted, and the years it reaches are settled again." })
export class RemoveCategoryPeriodInput {
  @Field(() => ID)
  beneficiaryId!: string;

  @Field(() => String, { nullable: true, description: "The id's jurisdiction: needed only when the id exists in several jurisdictions the key covers." })
  jurisdiction?: string | null;

  @Field()
  category!: string;

  @Field(() => DateScalar, { description: "The start of the recorded period." })
  from!: string;

  @Field({ description: "Why, for the audit log." })
  reason!: string;

  @Field({ defaultValue: false, description: "Proceed although settling the years again would take back money paid or allocated (refused with WOULD_REVERSE_PAID otherwise); recorded." })
  confirmReversal!: boolean;
}

@InputType({ description: "Ends a recorded category period earlier, on `to`; the old period is kept, retracted, and the years it reaches are settled again." })
export class EndCategoryPeriodInput extends RemoveCategoryPeriodInput {
  @Field(() => DateScalar, { description: "The last day the category is held." })
  to!: string;
}

@InputType({ description: "Removes an application recorded in error; the row is kept, retracted, and the years it reaches are settled again." })
export class RemoveApplicationInput {
  @Field(() => ID)
  beneficiaryId!: string;

  @Field(() => String, { nullable: true, description: "The id's jurisdiction: needed only when the id exists in several jurisdictions the key covers." })
  jurisdiction?: string | null;

  @Field(() => ProgramEnum)
  program!: string;

  @Field(() => DateScalar)
  date!: string;

  @Field({ description: "Why, for the audit log." })
  reason!: string;

  @Field({ defaultValue: false, description: "Proceed although settling the years again would take back money paid or allocated (refused with WOULD_REVERSE_PAID otherwise); recorded." })
  confirmReversal!: boolean;
}

@InputType()
export class BeneficiaryFilter {
  @Field({ nullable: true })
  jurisdiction?: string;

  @Field({ nullable: true, description: "Only people who hold (or held) this category." })
  category?: string;

  @Field({ nullable: true })
  idPrefix?: string;
}

export const BeneficiaryConnection = connectionOf(Beneficiary, "Beneficiary");
export type BeneficiaryConnection = Page<Beneficiary>;

