/**
 * Prometheus metrics at GET /metrics (prom-client): requests by operation and status, latency,
 * settlements and charity allocations committed, the webhook queue depth and the active rule pack
 * versions. Each gateway has a registry of its own (tests run several in one process).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EntityManager, EntitySubscriberInterface, QueryRunner } from "typeorm";
import type { Services } from "./services";
import type { Logger } from "../lib/logger";
import { pendingWebhookDeliveries } from "../webhooks/queue-depth";

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: "medassist_http_requests_total", help: "HTTP requests answered, by operation (GraphQL operation type and root field, or route) and status", labelNames: ["operation", "status"], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: "medassist_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by operation",
    labelNames: ["operation"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly settlements = new Counter({ name: "medassist_settlements_total", help: "Committed transactions that settled a claim or settled a year again", registers: [this.registry] });
  readonly allocations = new Counter({ name: "medassist_charity_allocations_total", help: "Committed charity allocations that moved money", registers: [this.registry] });

  constructor(services: Services, logger: Logger) {
    collectDefaultMetrics({ register: this.registry, prefix: "medassist_" });
    new Gauge({
      name: "medassist_webhook_queue_depth",
      help: "Webhook deliveries waiting to be sent",
      registers: [this.registry],
      async collect() {
        try {
          this.set(await pendingWebhookDeliveries(services.dataSource));
        } catch (error) {
          logger.warn({ err: error }, "metrics: webhook queue depth unavailable");
        }
      },
    });
    new Gauge({
      name: "medassist_active_pack_versions",
      help: "Rule pack versions this instance settles with (1 per active version)",
      labelNames: ["jurisdiction", "version"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const pack of services.packs.activePacks()) this.set({ jurisdiction: pack.id, version: String(pack.version) }, 1);
      },
    });
  }

  /** Records one answered request. */
  /** Records one answered request; `operation` is one of a set the schema and the routes bound. */
  observeRequest(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.latency.observe({ operation }, seconds);
  }
}

/**
 * Counts settlements and allocations when their transaction commits: the services' hooks run
 * inside the transaction, which may still roll back.
 */
export function countCommittedWork(services: Services, metrics: GatewayMetrics): void {
  const pending = new WeakMap<QueryRunner, Counter[]>();
  const countOnCommit = (manager: EntityManager, counter: Counter) => {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return counter.inc();
    pending.set(runner, [...(pending.get(runner) ?? []), counter]);
  };
  const subscriber: EntitySubscriberInterface = {
    // A savepoint's commit or rollback (transaction still active) leaves the counts waiting.
    afterTransactionCommit({ queryRunner }) {
      if (queryRunner.isTransactionActive) return;
      for (const counter of pending.get(queryRunner) ?? []) counter.inc();
      pending.delete(queryRunner);
    },
    afterTransactionRollback({ queryRunner }) {
      if (!queryRunner.isTransactionActive) pending.delete(queryRunner);
    },
  };
  services.dataSource.subscribers.push(subscriber);
  // Each bill whose year a write settled counts once, as when bills were settled one by one.
  services.settlements.afterSettlement.push(async (manager, bills) => bills.forEach(() => countOnCommit(manager, metrics.settlements)));
  const notify = services.charity.afterAllocation;
  services.charity.afterAllocation = async (manager, jurisdiction, data) => {
    if (notify) await notify(manager, jurisdiction, data);
    countOnCommit(manager, metrics.allocations);
  };
}

/** Whether a caller may read /metrics: the bearer token when one is configured, else loopback only. */
export function mayReadMetrics(req: Request, token: string | null): boolean {
  if (token === null) return isLoopback(req.socket.remoteAddress);
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(req.headers.authorization ?? ""), digest(`Bearer ${token}`));
}

function isLoopback(address: string | undefined): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address ?? "");
}

/** GET /metrics. */
export function metricsHandler(metrics: GatewayMetrics, token: string | null): RequestHandler {
  return async (req, res) => {
    if (!mayReadMetrics(req, token)) {
      res.status(403).type("text/plain; charset=utf-8").send("metrics: loopback or METRICS_TOKEN only");
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
