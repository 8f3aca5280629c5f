/**
 * GraphQL types of jurisdiction-wide jobs.
 */
import { Field, ID, Int, ObjectType } from "type-graphql";
import { connectionOf } from "../lib/connection";
import { PackPreview } from "../rules/rule-pack.types";
import { JobKindEnum, JobScopeEnum, JobStatusEnum } from "../gateway/enums";
import type { JobKind, JobScope, JobStatus } from "./job.entity";

@ObjectType()
export class ResettlementRefusal {
  @Field()
  beneficiaryId!: string;

  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: "What a re-settlement job did." })
export class ResettlementResult {
  @Field(() => Int, { description: "Households re-settled or refused." })
  households!: number;

  @Field(() => Int, { description: "Their settlements in the year." })
  settlements!: number;

  @Field(() => Int, { description: "Settlements superseded by a new one (differences stored as adjustments)." })
  settlementsChanged!: number;

  @Field(() => [ResettlementRefusal], { description: "Households the versions in force could not settle (the first 100)." })
  refusals!: ResettlementRefusal[];

  @Field(() => Int)
  refusalCount!: number;
}

@ObjectType({ description: "A jurisdiction-wide job stored in the database: run in chunks of households by any gateway instance, resumed after a crash." })
export class Job {
  @Field(() => ID)
  id!: string;

  @Field(() => JobKindEnum)
  kind!: JobKind;

  @Field(() => JobStatusEnum)
  status!: JobStatus;

  @Field()
  jurisdiction!: string;

  @Field(() => Int, { nullable: true, description: "A re-settlement's year." })
  year!: number | null;

  @Field(() => Int, { nullable: true, description: "A preview's version; for an activation's 补差, the version activated." })
  packVersion!: number | null;

  @Field(() => JobScopeEnum)
  scope!: JobScope;

  @Field({ description: "Why the job runs (who started it, or the activation that did)." })
  reason!: string;

  @Field({ description: "The id of the API key that started it." })
  startedBy!: string;

  @Field(() => Int, { description: "Households to examine (a preview counts household-years)." })
  totalHouseholds!: number;

  @Field(() => Int)
  doneHouseholds!: number;

  @Field(() => Int, { nullable: true, description: "Whole seconds left, estimated from the pace so far; null before the first household or once ended." })
  secondsLeft!: number | null;

  @Field()
  createdAt!: string;

  @Field(() => String, { nullable: true })
  startedAt!: string | null;

  @Field(() => String, { nullable: true })
  finishedAt!: string | null;

  @Field(() => String, { nullable: true })
  cancelledBy!: string | null;

  @Field(() => String, { nullable: true, description: "A FAILED job's fault." })
  error!: string | null;

  @Field(() => PackPreview, { nullable: true, description: "A DONE preview's result: the same as previewRulePack." })
  preview!: PackPreview | null;

  @Field(() => ResettlementResult, { nullable: true, description: "A DONE re-settlement's result." })
  resettlement!: ResettlementResult | null;
}

export const JobConnection = connectionOf(Job, "Job");
