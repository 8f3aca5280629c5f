/**
 * Sends due webhook deliveries, fairly per subscriber: each round goes round the API keys with due
 * deliveries, in turn after the key served last, and within a key round its subscriptions; at most
 * one delivery in flight per subscription, `maxInFlightPerKey` per key and `maxInFlight` in all,
 * each bounded by a timeout — so a partner with many slow receivers holds a few slots and never
 * the queue. Bodies are signed with the subscription's secret (HMAC-SHA256); failures are retried
 * with exponential back-off. Any number of gateway instances may dispatch: a delivery is claimed
 * by a guarded update first.
 */
import { createHmac } from "node:crypto";
import type { DataSource } from "typeorm";
import { nowIso, transactionsOf } from "../lib/db";
import type { Logger } from "../lib/logger";
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from "./webhook.entity";
import { TargetRefusedError, type WebhookTargets } from "./webhook-targets";
import { postOnce } from "./webhook-post";

export interface DispatchOptions {
  /** The first retry waits this long; each next one twice as long (capped at a minute). */
  retryBaseMillis: number;
  maxAttempts: number;
  timeoutMillis: number;
  /** Deliveries in flight at once from one instance (one per subscription at most). */
  maxInFlight: number;
  /** Deliveries in flight at once for one API key's subscriptions, from one instance. */
  maxInFlightPerKey: number;
}

/** The signature header of a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signBody(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What the delivery log says of an attempt: a status code, or one coarse word. */
interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  /** True when retrying cannot help. */
  final: boolean;
}

/** The oldest due delivery of a subscription. */
interface DueHead {
  subscriptionId: string;
  keyId: string;
  id: number;
}

/** `items` in turn after `last`, by their names. */
function inTurnAfter<T>(items: T[], nameOf: (item: T) => string, last: string): T[] {
  const sorted = [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
  const next = sorted.findIndex((item) => nameOf(item) > last);
  return next <= 0 ? sorted : [...sorted.slice(next), ...sorted.slice(0, next)];
}

export class WebhookDispatcher {
  /** The sends under way, by subscription. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** How many sends are under way, by API key. */
  private readonly inFlightByKey = new Map<string, number>();
  private lastServedKey = "";
  /** The subscription served last, by API key. */
  private readonly lastServed = new Map<string, string>();
  private stopping = new AbortController();

  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: WebhookTargets,
    private readonly options: DispatchOptions,
  ) {}

  /** Starts sending due deliveries, without waiting for them; returns how many were started. */
  async sendDue(logger: Logger): Promise<number> {
    const free = this.options.maxInFlight - this.inFlight.size;
    if (free <= 0) return 0;
    let started = 0;
    for (const head of this.fairOrder(await this.dueHeads())) {
      if (started >= free) break;
      if ((this.inFlightByKey.get(head.keyId) ?? 0) >= this.options.maxInFlightPerKey) continue;
      const delivery = await this.claim(head.id);
      if (!delivery) continue;
      started++;
      this.lastServedKey = head.keyId;
      this.lastServed.set(head.keyId, head.subscriptionId);
      this.track(head, this.send(delivery, logger).catch((error) => logger.error({ err: error, delivery: delivery.id }, "webhook delivery failed to record")));
    }
    return started;
  }

  /** Counts a send as under way, by subscription and by key, until it ends. */
  private track(head: DueHead, sending: Promise<void>): void {
    this.inFlightByKey.set(head.keyId, (this.inFlightByKey.get(head.keyId) ?? 0) + 1);
    const done = sending.finally(() => {
      this.inFlight.delete(head.subscriptionId);
      const left = (this.inFlightByKey.get(head.keyId) ?? 1) - 1;
      if (left > 0) this.inFlightByKey.set(head.keyId, left);
      else this.inFlightByKey.delete(head.keyId);
    });
    this.inFlight.set(head.subscriptionId, done);
  }

  /**
   * The heads in the order to serve them: the keys in turn after the key served last, each key's
   * subscriptions in turn after its own last; then one head per key at a time, so that a key with
   * many subscriptions is served as often as a key with one.
   */
  private fairOrder(heads: DueHead[]): DueHead[] {
    const byKey = new Map<string, DueHead[]>();
    for (const head of heads) byKey.set(head.keyId, [...(byKey.get(head.keyId) ?? []), head]);
    const keys = inTurnAfter([...byKey.keys()], (key) => key, this.lastServedKey);
    const queues = keys.map((key) => inTurnAfter(byKey.get(key)!, (head) => head.subscriptionId, this.lastServed.get(key) ?? ""));
    const order: DueHead[] = [];
    for (let turn = 0; order.length < heads.length; turn++) for (const queue of queues) if (turn < queue.length) order.push(queue[turn]);
    return order;
  }

  /** Aborts the sends under way and waits until each has recorded its outcome. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
    this.stopping = new AbortController();
  }

  /** The oldest due delivery of each subscription not in flight, with the key it belongs to. */
  private async dueHeads(): Promise<DueHead[]> {
    const rows = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder("d")
      .leftJoin(WebhookSubscriptionEntity, "s", "s.id = d.subscription_id")
      .select("d.subscription_id", "subscriptionId")
      .addSelect("s.key_id", "keyId")
      .addSelect("MIN(d.id)", "id")
      .where("d.status = 'PENDING' AND d.next_attempt_at <= :now", { now: nowIso() })
      .groupBy("d.subscription_id")
      .addGroupBy("s.key_id")
      .getRawMany<{ subscriptionId: string; keyId: string | null; id: number | string }>();
    // A delivery whose subscription is gone is still sent once, to be recorded as failed.
    return rows.filter((row) => !this.inFlight.has(row.subscriptionId)).map((row) => ({ subscriptionId: row.subscriptionId, keyId: row.keyId ?? "", id: Number(row.id) }));
  }

  /** Claims a delivery for one attempt: only the instance whose update matches the attempt count it read sends it. */
  private async claim(id: number): Promise<WebhookDeliveryEntity | null> {
    const delivery = await this.dataSource.getRepository(WebhookDeliveryEntity).findOneBy({ id });
    if (!delivery || delivery.status !== "PENDING") return null;
    const lease = new Date(Date.now() + this.options.timeoutMillis + 5000).toISOString();
    const claimed = await transactionsOf(this.dataSource).run((manager) =>
      manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ attempts: delivery.attempts + 1, nextAttemptAt: lease })
        .where("id = :id AND status = 'PENDING' AND attempts = :attempts", { id, attempts: delivery.attempts })
        .execute(),
    );
    return (claimed.affected ?? 0) === 1 ? { ...delivery, attempts: delivery.attempts + 1 } : null;
  }

  private async send(delivery: WebhookDeliveryEntity, logger: Logger): Promise<void> {
    const subscription = await this.dataSource.getRepository(WebhookSubscriptionEntity).findOneBy({ id: delivery.subscriptionId });
    const result: AttemptResult = !subscription || subscription.revokedAt !== null ? { statusCode: null, error: "subscription revoked", final: true } : await this.attempt(subscription, delivery);
    const record = (changes: Partial<WebhookDeliveryEntity>) => transactionsOf(this.dataSource).run((manager) => manager.update(WebhookDeliveryEntity, { id: delivery.id }, changes));
    if (result.error === null) {
      await record({ status: "DELIVERED", deliveredAt: nowIso(), lastStatusCode: result.statusCode, lastError: null });
      return;
    }
    const giveUp = result.final || delivery.attempts >= this.options.maxAttempts;
    const wait = Math.min(this.options.retryBaseMillis * 2 ** (delivery.attempts - 1), 60_000);
    await record({ status: giveUp ? "FAILED" : "PENDING", nextAttemptAt: new Date(Date.now() + wait).toISOString(), lastStatusCode: result.statusCode, lastError: result.error });
    logger.warn({ delivery: delivery.id, attempt: delivery.attempts, error: result.error, giveUp }, "webhook delivery failed");
  }

  /** One POST; a 3xx is a failure like any other non-2xx (redirects are not followed). */
  private async attempt(subscription: WebhookSubscriptionEntity, delivery: WebhookDeliveryEntity): Promise<AttemptResult> {
    try {
      const target = await this.targets.resolve(new URL(subscription.url));
      const headers = {
        "content-type": "application/json",
        "x-medassist-event": delivery.event,
        "x-medassist-delivery": String(delivery.id),
        "x-medassist-signature": signBody(subscription.secret, delivery.payload, Math.floor(Date.now() / 1000)),
      };
      const outcome = await postOnce(target, headers, delivery.payload, AbortSignal.any([AbortSignal.timeout(this.options.timeoutMillis), this.stopping.signal]));
      if ("failure" in outcome) return { statusCode: null, error: outcome.failure, final: false };
      const ok = outcome.statusCode >= 200 && outcome.statusCode < 300;
      return { statusCode: outcome.statusCode, error: ok ? null : `HTTP ${outcome.statusCode}`, final: false };
    } catch (error) {
      // A target that has come to resolve inside (or left the allow-list) is not retried.
      if (error instanceof TargetRefusedError) return error.retryable ? { statusCode: null, error: "connection failed", final: false } : { statusCode: null, error: "target refused", final: true };
      throw error;
    }
  }
}
