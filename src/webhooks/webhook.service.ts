/**
 * Outgoing webhooks. An event costs the change that causes it one outbox row, in the change's
 * transaction (none is lost or sent for a change that was rolled back, and a settlement's time
 * does not grow with the number of subscribers). Afterwards the dispatcher fans each event out to
 * the subscriptions that want it and whose key may see its jurisdiction, and sends them.
 * Subscriptions are checked against the target policy and capped per key.
 */
import { randomBytes } from "node:crypto";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import { DomainError, notFound } from "../lib/errors";
import { nowIso, type TransactionRunner } from "../lib/db";
import type { Logger } from "../lib/logger";
import type { Principal } from "../access/principal";
import { ApiKeyEntity } from "../access/access.entity";
import { isKeyActive } from "../access/api-key.service";
import { scopedKey } from "../access/tenant-ids";
import type { AuditService } from "../access/audit.service";
import type { Outbox } from "../outbox/outbox";
import type { OutboxEventEntity } from "../outbox/outbox.entity";
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from "./webhook.entity";
import { WebhookDispatcher, type DispatchOptions } from "./webhook.dispatcher";
import { WebhookTargets } from "./webhook-targets";

export { signBody } from "./webhook.dispatcher";

export const WEBHOOK_EVENTS = ["risk_alert.raised", "settlement.created", "charity.allocated"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookOptions extends DispatchOptions {
  /** Active subscriptions one key may have. */
  maxPerKey: number;
  targets: WebhookTargets;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = { retryBaseMillis: 1000, maxAttempts: 8, timeoutMillis: 5000, maxInFlight: 8, maxInFlightPerKey: 2, maxPerKey: 20, targets: new WebhookTargets() };

/** Outbox events handed to the fan-out per round, and delivery rows per insert. */
const EVENTS_PER_ROUND = 20;
const ROWS_PER_INSERT = 200;

export class WebhookService {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly dispatcher: WebhookDispatcher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
    private readonly options: WebhookOptions = DEFAULT_WEBHOOK_OPTIONS,
  ) {
    this.dispatcher = new WebhookDispatcher(dataSource, options.targets, options);
  }

  /** Subscribes the caller's key to events at a URL; returns the signing secret, shown once. */
  async subscribe(principal: Principal, url: string, events: string[]): Promise<{ subscription: WebhookSubscriptionEntity; secret: string }> {
    for (const event of events) if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) throw new DomainError("INVALID_INPUT", "events", `events: ${WEBHOOK_EVENTS.join(", ")}`);
    if (events.length === 0) throw new DomainError("INVALID_INPUT", "events", "events: at least one");
    const target = await this.options.targets.checkSubscription(url);
    const secret = randomBytes(24).toString("base64url");
    const subscription: WebhookSubscriptionEntity = { id: `wh_${randomBytes(8).toString("hex")}`, keyId: principal.keyId, url: target.href, events: [...new Set(events)].join(","), secret, createdAt: nowIso(), revokedAt: null };
    await this.transactions.run(async (manager) => {
      await this.lockKey(manager, principal.keyId);
      await manager.insert(WebhookSubscriptionEntity, subscription);
      const active = await manager.countBy(WebhookSubscriptionEntity, { keyId: principal.keyId, revokedAt: IsNull() });
      if (active > this.options.maxPerKey) {
        throw new DomainError("WEBHOOK_LIMIT_REACHED", "url", `每个密钥最多 ${this.options.maxPerKey} 个订阅 / at most ${this.options.maxPerKey} webhook subscriptions per key; unsubscribe one first`);
      }
      await this.audit.record(manager, principal.keyId, "webhook.subscribe", "webhook", subscription.id, { url: subscription.url, events });
    });
    return { subscription, secret };
  }

  /** Ends one of the caller's subscriptions; its pending deliveries are not sent. Idempotent. */
  async unsubscribe(principal: Principal, id: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const subscription = await manager.findOneBy(WebhookSubscriptionEntity, { id });
      if (!subscription || subscription.keyId !== principal.keyId) throw notFound("webhook subscription", id);
      if (subscription.revokedAt !== null) return;
      await manager.update(WebhookSubscriptionEntity, { id }, { revokedAt: nowIso() });
      await this.audit.record(manager, principal.keyId, "webhook.unsubscribe", "webhook", id, {});
    });
  }

  /**
   * Records an event for the subscribers, in the caller's transaction: one outbox row. `data` shows
   * the partner's own ids; the household is the stored key (ids are per jurisdiction).
   */
  async enqueue(manager: EntityManager, event: WebhookEvent, jurisdiction: string, data: { beneficiaryId: string; [field: string]: unknown }): Promise<void> {
    await this.enqueueMany(manager, event, [{ jurisdiction, data }]);
  }

  /** Many events of one type, in order, in one multi-row append (a batch's settlements). */
  async enqueueMany(manager: EntityManager, event: WebhookEvent, items: ReadonlyArray<{ jurisdiction: string; data: { beneficiaryId: string; [field: string]: unknown } }>): Promise<void> {
    await this.outbox.appendMany(manager, items.map(({ jurisdiction, data }) => ({ topic: event, jurisdiction, aggregateId: scopedKey(jurisdiction, data.beneficiaryId), data })));
  }

  /** Starts fanning out and sending every `intervalMillis`. */
  start(logger: Logger, intervalMillis = 250): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (this.round) return;
      this.round = this.runRound(logger)
        .catch((error) => logger.error({ err: error }, "webhook dispatch failed"))
        .finally(() => (this.round = null));
    }, intervalMillis);
    this.timer.unref();
  }

  /** Stops the rounds and waits for the sends under way (aborted) to record their outcome. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
    await this.dispatcher.stop();
  }

  /** One round: pending events fanned out, then due deliveries sent. */
  async runRound(logger: Logger): Promise<void> {
    await this.outbox.dispatch((manager, event) => this.fanOut(manager, event), EVENTS_PER_ROUND);
    await this.dispatcher.sendDue(logger);
  }

  /** One delivery per subscription that wants the event, existed when it happened, and whose key may see it. */
  private async fanOut(manager: EntityManager, event: OutboxEventEntity): Promise<void> {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event.topic)) return;
    const subscriptions = (await manager.findBy(WebhookSubscriptionEntity, { revokedAt: IsNull() })).filter((s) => s.events.split(",").includes(event.topic) && s.createdAt <= event.createdAt);
    if (subscriptions.length === 0) return;
    const keys = new Map((await manager.findBy(ApiKeyEntity, { id: In([...new Set(subscriptions.map((s) => s.keyId))]) })).map((k) => [k.id, k]));
    const body = JSON.stringify({ id: event.eventId, event: event.topic, occurredAt: event.createdAt, jurisdiction: event.jurisdiction, data: JSON.parse(event.payload) });
    const now = nowIso();
    const rows = subscriptions
      .filter((subscription) => {
        const key = keys.get(subscription.keyId);
        return key !== undefined && isKeyActive(key) && (key.role !== "PARTNER" || key.jurisdictions.split(",").includes(event.jurisdiction));
      })
      .map((subscription) => ({ subscriptionId: subscription.id, event: event.topic, payload: body, status: "PENDING" as const, attempts: 0, nextAttemptAt: now, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null }));
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await manager.insert(WebhookDeliveryEntity, rows.slice(i, i + ROWS_PER_INSERT));
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

  /** Serialises a key's subscribing on MySQL (row lock) so that the cap holds; SQLite's writes are serialised already. */
  private async lockKey(manager: EntityManager, keyId: string): Promise<void> {
    if (!this.transactions.isSqlite) await manager.query("SELECT id FROM api_keys WHERE id = ? FOR UPDATE", [keyId]);
  }
}
