/**
 * GraphQL: risk alerts for case workers, and webhook subscriptions for partner systems.
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { DomainError } from "../lib/errors";
import { decodeCursor } from "../lib/graphql";
import { pageOf, pageSize } from "../lib/connection";
import { partnerId } from "../access/tenant-ids";
import type { RiskAlertEntity } from "./risk-alert.entity";
import { RiskAlert, RiskAlertConnection, WebhookDelivery, WebhookSubscription } from "./risk-alert.types";
import type { RequestContext } from "../access/request-context";
import type { RiskAlertService } from "./risk-alert.service";
import type { WebhookService } from "../webhooks/webhook.service";

/** What this resolver reads per request. */
type ResolverContext = RequestContext;

/** The services this resolver calls (the gateway hands it all of them). */
interface ResolverServices { alerts: RiskAlertService; webhooks: WebhookService }

/** An alert as partners see it: beneficiary and claim by their own ids (tenant-ids). */
function alertView(row: RiskAlertEntity): RiskAlertEntity {
  return { ...row, beneficiaryId: partnerId(row.beneficiaryId), claimId: partnerId(row.claimId) };
}

@Resolver(() => RiskAlert)
export class RiskAlertResolver {
  constructor(private readonly services: ResolverServices) {}

  @Query(() => RiskAlertConnection, { description: "Risk alerts the key may see, newest first." })
  async riskAlerts(
    @Ctx() { principal }: ResolverContext,
    @Arg("jurisdiction", () => String, { nullable: true }) jurisdiction?: string,
    @Arg("status", () => String, { nullable: true, description: "OPEN or ACKNOWLEDGED" }) status?: string,
    @Arg("first", () => Int, { defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<RiskAlertConnection> {
    const limit = pageSize(first);
    if (status && status !== "OPEN" && status !== "ACKNOWLEDGED") throw new DomainError("INVALID_INPUT", "status", "status: OPEN or ACKNOWLEDGED");
    const rows = await this.services.alerts.list(principal, { jurisdiction, status, limit, beforeId: after ? Number(decodeCursor(after)) : undefined });
    return pageOf(rows.map(alertView), limit, (row) => String(row.id));
  }

  @Mutation(() => RiskAlert, { description: "A case worker acknowledges an alert (PARTNER for its jurisdictions, ADMIN)." })
  async acknowledgeRiskAlert(@Arg("id", () => Int) id: number, @Arg("note") note: string, @Ctx() { principal }: ResolverContext): Promise<RiskAlertEntity> {
    return alertView(await this.services.alerts.acknowledge(principal, id, note));
  }

  @Mutation(() => WebhookSubscription, { description: "Subscribes the key to events (risk_alert.raised, settlement.created, charity.allocated) at a public http(s) URL (internal addresses only when WEBHOOK_ALLOWED_TARGETS names them)." })
  async subscribeWebhook(@Arg("url") url: string, @Arg("events", () => [String]) events: string[], @Ctx() { principal }: ResolverContext): Promise<WebhookSubscription> {
    const { subscription, secret } = await this.services.webhooks.subscribe(principal, url, events);
    return { id: subscription.id, url: subscription.url, events: subscription.events.split(","), secret };
  }

  @Mutation(() => Boolean, { description: "Ends one of the key's webhook subscriptions (each key may have WEBHOOK_MAX_PER_KEY); its pending deliveries are not sent." })
  async unsubscribeWebhook(@Arg("id", () => ID) id: string, @Ctx() { principal }: ResolverContext): Promise<boolean> {
    await this.services.webhooks.unsubscribe(principal, id);
    return true;
  }

  @Query(() => [WebhookDelivery], { description: "The delivery log of the key's subscriptions, newest first." })
  webhookDeliveries(@Ctx() { principal }: ResolverContext, @Arg("first", () => Int, { defaultValue: 50 }) first = 50): Promise<WebhookDelivery[]> {
    return this.services.webhooks.deliveries(principal, Math.min(Math.max(first, 1), 200));
  }
}
