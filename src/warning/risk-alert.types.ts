/**
 * GraphQL types of risk alerts and webhook subscriptions.
 */
import { Field, Int, ObjectType } from "type-graphql";
import { MoneyScalar } from "../lib/graphql";
import type { Money } from "../lib/money";
import { connectionOf, type Page } from "../lib/connection";
import { CategoryEnum } from "../gateway/enums";

@ObjectType({ description: "预警监测: a settlement made a person's yearly burden cross a monitoring threshold." })
export class RiskAlert {
  @Field(() => Int)
  id!: number;

  @Field()
  beneficiaryId!: string;

  @Field()
  jurisdiction!: string;

  @Field(() => Int)
  year!: number;

  @Field()
  ruleId!: string;

  @Field()
  clause!: string;

  @Field()
  label!: string;

  @Field(() => CategoryEnum, { nullable: true })
  category!: string | null;

  @Field(() => MoneyScalar)
  threshold!: Money;

  @Field(() => MoneyScalar, { description: "The year's burden after the settlement that raised it." })
  burden!: Money;

  @Field()
  claimId!: string;

  @Field({ description: "OPEN or ACKNOWLEDGED." })
  status!: string;

  @Field()
  raisedAt!: string;

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  @Field(() => String, { nullable: true })
  acknowledgedAt!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

export const RiskAlertConnection = connectionOf(RiskAlert, "RiskAlert");
export type RiskAlertConnection = Page<RiskAlert>;

@ObjectType({ description: "A webhook subscription; the secret signs every delivery (x-medassist-signature: t=…,v1=HMAC-SHA256(secret, t + '.' + body)) and is shown only here." })
export class WebhookSubscription {
  @Field()
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String])
  events!: string[];

  @Field()
  secret!: string;
}

@ObjectType()
export class WebhookDelivery {
  @Field(() => Int)
  id!: number;

  @Field()
  subscriptionId!: string;

  @Field()
  event!: string;

  @Field({ description: "PENDING, DELIVERED or FAILED (after the last retry)." })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: "HTTP <status>, timeout, connection failed, target refused or subscription revoked." })
  lastError!: string | null;

  @Field()
  createdAt!: string;

  @Field(() => String, { nullable: true })
  deliveredAt!: string | null;
}
