/**
 * A plain JSON-over-HTTP front for low-code hosts that cannot send GraphQL well (ToolJet, Appsmith,
 * Budibase REST data sources): the same keys, roles and error codes as GraphQL, documented in
 * schema/openapi.json.
 */
import express, { type Request, type Response } from "express";
import { DomainError, httpStatusOf, renameField, withFieldsRenamed, type FieldRenames } from "../lib/errors";
import { formatAmount, type Money } from "../lib/money";
import type { LineRow } from "../settlement/settlement-writes";
import type { Logger } from "../lib/logger";
import type { Principal } from "../access/principal";
import type { Settlement as EngineSettlement } from "../engine/types";
import { citationText, clauseText } from "../engine/citation";
import { partnerId } from "../access/tenant-ids";
import type { Services } from "./services";
import { recordAndSettle } from "./settle-request";
import { yearField } from "../lib/dates";
import { callerOf } from "./keyed-access";
import { explainLine } from "../engine/explain-line";
import { pendingTiers } from "../settlement/settlement.views";
import { amountField } from "../engine/input";
import { TIERS, type Tier } from "../engine/vocabulary";
import type { SettlementEntity } from "../settlement/settlement.entity";

function money(value: Money | null | undefined): string | null {
  return value === null || value === undefined ? null : formatAmount(value);
}

/** A settlement as JSON: amounts as strings with two decimals. */
function settlementJson(s: { id: string | null; claimId: string; packId: string; packVersion: number; category: string | null; total: Money; policyScope: Money; selfPay: Money }, lines: Array<{ tier: string; amount: Money; source: string; ruleId: string | null; clause: string | null; reason: string | null; figures: Record<string, string>; category?: string | null }>) {
  const pending = pendingTiers(lines);
  return {
    complete: pending.length === 0,
    pending,
    id: s.id,
    claimId: partnerId(s.claimId),
    packId: s.packId,
    packVersion: s.packVersion,
    category: s.category,
    total: money(s.total),
    policyScope: money(s.policyScope),
    selfPay: money(s.selfPay),
    lines: lines.map((l) => ({ tier: l.tier, amount: money(l.amount), ruleId: l.ruleId, clause: l.clause, reason: l.reason, figures: l.figures, explanation: explainLine(l, l.category ?? s.category, "ZH"), explanationEn: explainLine(l, l.category ?? s.category, "EN") })),
  };
}

function storedSettlementJson(settled: SettlementEntity, lines: readonly LineRow[]) {
  return settlementJson(settled, lines.map((l) => ({ tier: l.tier, amount: l.amount, source: l.source, ruleId: l.ruleId, clause: clauseText(l.clauseDocument, l.clause), reason: l.reason, figures: JSON.parse(l.figures), category: l.category })));
}

function engineSettlementJson(s: EngineSettlement) {
  return settlementJson({ ...s, id: null }, s.lines.map((l) => ({ ...l, clause: citationText(l.citation), figures: l.figures })));
}

/** The optional `?jurisdiction=` beside a partner-chosen id in a path (tenant-ids). */
export function jurisdictionQuery(req: Request): string | null {
  return typeof req.query.jurisdiction === "string" && req.query.jurisdiction ? req.query.jurisdiction : null;
}

/** The largest body of POST /api/settlement/batch: 10,000 bills with every fee and reported tier. */
export const BATCH_BODY_LIMIT = "8mb";

/** Refuses a caller without a valid key before anything of the request is read. */
function refuseStranger(_req: Request, res: Response, next: () => void): void {
  const caller = callerOf(res);
  if (caller.principal) return next();
  const { code, field, message, details } = caller.refusal;
  res.status(httpStatusOf(code)).json({ error: { code, field, message, details } });
}

/** The adapter's routes under /api. */
export function httpAdapter(services: Services, logger: Logger): express.Router {
  const router = express.Router();
  // A nightly file of up to MAX_BILLS_PER_BATCH bills is a few megabytes: its route reads larger
  // bodies than the others, and only a caller with a valid key's (a stranger cannot make the process
  // parse megabytes; other routes read their 1 MB as /graphql does, and refuse the caller after).
  router.post("/settlement/batch", refuseStranger, express.json({ limit: BATCH_BODY_LIMIT }));
  router.use(express.json({ limit: "1mb" }));

  const handle = (work: (principal: Principal, req: Request) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      const caller = callerOf(res);
      if (!caller.principal) throw caller.refusal;
      res.json(await work(caller.principal, req));
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(httpStatusOf(error.code)).json({ error: { code: error.code, field: error.field, message: error.message, details: error.details } });
        return;
      }
      logger.error({ err: error }, "http adapter request failed");
      res.status(httpStatusOf("INTERNAL_SERVER_ERROR")).json({ error: { code: "INTERNAL_SERVER_ERROR", field: "", message: "服务器内部错误 / internal error" } });
    }
  };

  const body = (req: Request): Record<string, unknown> => {
    if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) throw new DomainError("INVALID_INPUT", "body", "body: 须为 JSON 对象 / a JSON object is expected");
    return req.body as Record<string, unknown>;
  };

  // A what-if: the claims settled in order for a stored or described beneficiary; nothing stored.
  router.post(
    "/settlement/quote",
    handle(async (principal, req) => {
      const input = body(req);
      const claims = Array.isArray(input.claims) ? input.claims : input.claim ? [input.claim] : [];
      if (claims.length === 0) throw new DomainError("INVALID_INPUT", "claims", "claims: 至少一笔费用 / at least one claim");
      // The body is the service's input; a single `claim` is its claims[0].
      const renames: FieldRenames = Array.isArray(input.claims) ? [["input", ""]] : [["input.claims[0]", "claim"], ["input", ""]];
      const results = await withFieldsRenamed(renames, () => services.settlements.simulate(principal, {
        jurisdiction: String(input.jurisdiction ?? ""),
        beneficiaryId: typeof input.beneficiaryId === "string" ? input.beneficiaryId : null,
        beneficiary: input.beneficiary,
        claims,
        parameters: (input.parameters as Record<string, unknown> | undefined) ?? null,
      }));
      return {
        results: results.map((r) => {
          const error = r.error ? renameField(r.error, renames) : null;
          return { claimId: r.claimId, settlement: r.settlement ? engineSettlementJson(r.settlement) : null, error: error ? { code: error.code, field: error.field, message: error.message } : null };
        }),
      };
    }),
  );

  // Records the beneficiary when given, submits the claim and settles it, all or nothing; idempotent by claim id.
  router.post(
    "/settlement/settle",
    handle(async (principal, req) => {
      const input = body(req);
      const { settlement: settled, lines } = await recordAndSettle(services, principal, { beneficiary: input.beneficiary, claim: (input.claim ?? {}) as Record<string, unknown> });
      return storedSettlementJson(settled, lines);
    }),
  );

  // A batch of bills (a hospital's or insurer's file): each submitted and settled, answered in input order.
  router.post(
    "/settlement/batch",
    handle(async (principal, req) => {
      const input = body(req);
      if (!Array.isArray(input.claims)) throw new DomainError("INVALID_INPUT", "claims", "claims: 须为费用数组 / a list of bills is expected");
      const outcomes = await services.settlements.settleBills(principal, input.claims, { fieldOf: (index) => `claims[${index}]`, listField: "claims" });
      return {
        results: outcomes.map((o) => ({
          claimId: o.claimId,
          settlement: o.settlement ? storedSettlementJson(o.settlement, o.lines ?? []) : null,
          error: o.error ? { code: o.error.code, field: o.error.field, message: o.error.message } : null,
        })),
      };
    }),
  );

  // The insurer's later report of a pending tier (staged settlement): the claim settled again, charity follows.
  router.post(
    "/settlement/report",
    handle(async (principal, req) => {
      const input = body(req);
      const tier = String(input.tier ?? "") as Tier;
      if (!TIERS.includes(tier)) throw new DomainError("INVALID_INPUT", "tier", `tier: 未知保障层 ${tier} / unknown tier`);
      const amount = amountField(input.amount, "amount");
      const jurisdiction = typeof input.jurisdiction === "string" ? input.jurisdiction : null;
      const settled = await services.settlements.reportTier(principal, String(input.claimId ?? ""), tier, amount, jurisdiction);
      return storedSettlementJson(settled, await services.settlements.repository.linesOf(services.dataSource.manager, [settled.id]));
    }),
  );

  // The household's resolution statement (化解清单) as JSON.
  router.get(
    "/statements/:beneficiaryId/:year",
    handle(async (principal, req) => {
      const beneficiaryId = String(req.params.beneficiaryId);
      const s = await services.charity.statement(principal, beneficiaryId, yearField(String(req.params.year)), jurisdictionQuery(req));
      return {
        beneficiary: s.beneficiary,
        year: s.year,
        claims: s.claims.map((c) => ({ ...c, total: money(c.total), policyScope: money(c.policyScope), selfPayBeforeCharity: money(c.selfPayBeforeCharity), lines: c.lines.map((l) => ({ ...l, amount: money(l.amount) })) })),
        tierTotals: s.tierTotals.map((t) => ({ tier: t.tier, amount: money(t.amount) })),
        billTotal: money(s.billTotal),
        selfPayBeforeCharity: money(s.selfPayBeforeCharity),
        charityEntitlement: money(s.charityEntitlement),
        allocations: s.allocations.map((a) => ({ ...a, amount: money(a.amount) })),
        charityAllocated: money(s.charityAllocated),
        stillPays: money(s.stillPays),
      };
    }),
  );
  return router;
}
