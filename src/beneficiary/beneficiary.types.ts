/**
 * GraphQL types of beneficiaries.
 */
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { DateScalar } from "../lib/graphql";
import { connectionOf, type Page } from "../lib/connection";

@ObjectType({ description: "A category (身份) held from `from` to `to` inclusive; `to` null means still held." })
export class CategoryPeriod {
  @Field({ description: "DESTITUTE, ORPHAN, UNSUPPORTED_CHILD, CHILD_IN_DIFFICULTY, DIBAO, RELAPSED_POOR, NEAR_DIBAO, MONITORED or ILLNESS_IMPOVERISHED." })
  category!: string;

  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar, { nullable: true })
  to!: string | null;
}

@ObjectType({ description: "A programme granted on application, e.g. 宜春 倾斜救助 (TILT_ASSISTANCE)." })
export class ProgramApplication {
  @Field()
  program!: string;

  @Field(() => DateScalar)
  date!: string;
}

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
  @Field()
  category!: string;

  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar, { nullable: true })
  to?: string | null;
}

@InputType()
export class ApplicationInput {
  @Field()
  program!: string;

  @Field(() => DateScalar)
  date!: string;
}

@InputType({ description: "The whole current record of a beneficiary: periods and applications left out are retracted (kept in history)." })
export class BeneficiaryInput {
  @Field(() => ID)
  id!: string;

  @Field()
  jurisdiction!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: "18-character resident ID number; shown masked to partners." })
  nationalId?: string | null;

  @Field(() => String, { nullable: true })
  township?: string | null;

  @Field(() => [CategoryPeriodInput], { defaultValue: [] })
  identities!: CategoryPeriodInput[];

  @Field(() => [ApplicationInput], { defaultValue: [] })
  applications!: ApplicationInput[];
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

