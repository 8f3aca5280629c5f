/**
 * Outgoing webhooks: events written in the same transaction as what caused them (so none is lost
 * or sent for a change that was rolled back), delivered by a dispatcher that signs each body with
 * the subscription's secret (HMAC-SHA256) and retries failures with exponential back-off. Any
 * number of gateway instances may dispatch: a delivery is claimed by a guarded update first.
 */
import { createHmac, randomBytes } from "node:crypto";
import { In, type DataSource, type EntityManager } from "typeorm";
import { DomainError } from "../lib/errors";
import { nowIso } from "../lib/db";
import type { Logger } from "../lib/logger";
import type { Principal } from "../access/principal";
import { ApiKeyEntity } from "../access/access.entity";
import { isKeyActive } from "../access/api-key.service";
import type { AuditService } from "../access/audit.service";
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from "./webhook.entity";

export const WEBHOOK_EVENTS = ["risk_alert.raised", "settlement.created", "charity.allocated"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookOptions {
  /** The first retry waits this long; each next one twice as long (capped at a minute). */
  retryBaseMillis: number;
  maxAttempts: number;
  timeoutMillis: number;
}

/** The signature header of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signBody(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export class WebhookService {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly options: WebhookOptions = { retryBaseMillis: 1000, maxAttempts: 8, timeoutMillis: 5000 },
  ) {}

  /** Subscribes the caller's key to events at a URL; returns the signing secret, shown once. */
  async subscribe(principal: Principal, url: string, events: string[]): Promise<{ subscription: WebhookSubscriptionEntity; secret: string }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DomainError("INVALID_INPUT", "url", "url: 不是有效的网址 / not a URL");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new DomainError("INVALID_INPUT", "url", "url: http 或 https");
    for (const event of events) if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) throw new DomainError("INVALID_INPUT", "events", `events: ${WEBHOOK_EVENTS.join(", ")}`);
    if (events.length === 0) throw new DomainError("INVALID_INPUT", "events", "events: at least one");
    const secret = randomBytes(24).toString("base64url");
    const subscription: WebhookSubscriptionEntity = { id: `wh_${randomBytes(8).toString("hex")}`, keyId: principal.keyId, url, events: events.join(","), secret, createdAt: nowIso(), revokedAt: null };
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(WebhookSubscriptionEntity, subscription);
      await this.audit.record(manager, principal.keyId, "webhook.subscribe", "webhook", subscription.id, { url, events });
    });
    return { subscription, secret };
  }

  /**
   * Queues an event for every subscription that wants it and whose key may see the jurisdiction,
   * inside the caller's transaction.
   */
  async enqueue(manager: EntityManager, event: WebhookEvent, jurisdiction: string, data: unknown): Promise<void> {
    const subscriptions = await manager.find(WebhookSubscriptionEntity);
    const active = subscriptions.filter((s) => s.revokedAt === null && s.events.split(",").includes(event));
    if (active.length === 0) return;
    const keys = new Map((await manager.findBy(ApiKeyEntity, { id: In([...new Set(active.map((s) => s.keyId))]) })).map((k) => [k.id, k]));
    const now = nowIso();
    for (const subscription of active) {
      const key = keys.get(subscription.keyId);
      if (!key || !isKeyActive(key)) continue;
      if (key.role === "PARTNER" && !key.jurisdictions.split(",").includes(jurisdiction)) continue;
      const payload = JSON.stringify({ event, occurredAt: now, jurisdiction, data });
      await manager.insert(WebhookDeliveryEntity, { subscriptionId: subscription.id, event, payload, status: "PENDING", attempts: 0, nextAttemptAt: now, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null });
    }
  }

  /** Starts delivering due events every `intervalMillis`. */
  start(logger: Logger, intervalMillis = 250): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.deliverDue(logger)
        .catch((error) => logger.error({ err: error }, "webhook dispatch failed"))
        .finally(() => (this.running = false));
    }, intervalMillis);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends every delivery that is due; returns how many were attempted. */
  async deliverDue(logger: Logger): Promise<number> {
    const now = nowIso();
    const due = await this.dataSource.getRepository(WebhookDeliveryEntity).createQueryBuilder("d").where("d.status = 'PENDING' AND d.next_attempt_at <= :now", { now }).orderBy("d.id").take(20).getMany();
    let attempted = 0;
    for (const delivery of due) {
      // Claim it: only the instance whose update matches the attempt count it read sends it.
      const lease = new Date(Date.now() + this.options.timeoutMillis + 5000).toISOString();
      const claimed = await this.dataSource
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ attempts: delivery.attempts + 1, nextAttemptAt: lease })
        .where("id = :id AND status = 'PENDING' AND attempts = :attempts", { id: delivery.id, attempts: delivery.attempts })
        .execute();
      if ((claimed.affected ?? 0) !== 1) continue;
      attempted++;
      await this.send(delivery, delivery.attempts + 1, logger);
    }
    return attempted;
  }

  private async send(delivery: WebhookDeliveryEntity, attempt: number, logger: Logger): Promise<void> {
    const subscription = await this.dataSource.getRepository(WebhookSubscriptionEntity).findOneBy({ id: delivery.subscriptionId });
    const repository = this.dataSource.getRepository(WebhookDeliveryEntity);
    if (!subscription || subscription.revokedAt !== null) {
      await repository.update({ id: delivery.id }, { status: "FAILED", lastError: "subscription revoked" });
      return;
    }
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(subscription.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-medassist-event": delivery.event,
          "x-medassist-delivery": String(delivery.id),
          "x-medassist-signature": signBody(subscription.secret, delivery.payload, timestamp),
        },
        body: delivery.payload,
        signal: AbortSignal.timeout(this.options.timeoutMillis),
      });
      statusCode = response.status;
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (caught) {
      error = (caught as Error).message.slice(0, 400);
    }
    if (error === null) {
      await repository.update({ id: delivery.id }, { status: "DELIVERED", deliveredAt: nowIso(), lastStatusCode: statusCode, lastError: null });
      return;
    }
    const giveUp = attempt >= this.options.maxAttempts;
    const wait = Math.min(this.options.retryBaseMillis * 2 ** (attempt - 1), 60_000);
    await repository.update({ id: delivery.id }, { status: giveUp ? "FAILED" : "PENDING", nextAttemptAt: new Date(Date.now() + wait).toISOString(), lastStatusCode: statusCode, lastError: error });
    logger.warn({ delivery: delivery.id, attempt, error, giveUp }, "webhook delivery failed");
  }

  /** The delivery log of the caller's subscriptions, newest first. */
  async deliveries(principal: Principal, limit: number): Promise<WebhookDeliveryEntity[]> {
    const subscriptions = await this.dataSource.getRepository(WebhookSubscriptionEntity).findBy({ keyId: principal.keyId });
    if (subscriptions.length === 0) return [];
    return this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder("d")
      .where("d.subscription_id IN (:...ids)", { ids: subscriptions.map((s) => s.id) })
      .orderBy("d.id", "DESC")
      .take(limit)
      .getMany();
  }
}
