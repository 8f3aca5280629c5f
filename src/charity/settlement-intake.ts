/**
 * How settlements and a charity apart speak: settlement events reach the charity, applied in order,
 * each once (CharityService.applySettlementEvent is idempotent by settlement id) — in one process
 * the outbox consumer calls the in-process sink; when the charity runs apart, settlements' consumer
 * POSTs them to the charity process's `POST /events`. And settlements asks the charity what it
 * allocated to a household-year (`GET /allocations/...`, the WOULD_REVERSE_PAID guard). Both are
 * signed as the `settlements` system principal.
 */
import express, { type Router } from "express";
import { DomainError, httpStatusOf } from "../lib/errors";
import type { Logger } from "../lib/logger";
import { PRINCIPAL_HEADER, verifyPrincipal } from "../access/principal-token";
import type { DeliveredEvent, EventSink } from "../outbox/outbox-consumer";
import { SETTLEMENT_RECORDED, type SettlementRecorded } from "../outbox/settlement-recorded";
import { CHARITY_ALLOCATIONS_ROUTE, type CharityAllocationsAnswer } from "../settlement/charity-allocations";
import { formatAmount } from "../lib/money";
import type { CharityService } from "./charity.service";

/** The outbox consumer's name for the charity, and the principal settlements sign its deliveries as. */
export const CHARITY_CONSUMER = "charity";
export const SETTLEMENTS_PRINCIPAL = "settlements";

/** Applies events in the order given; other topics are not the charity's. Returns how many changed the record. */
export async function applySettlementEvents(charity: CharityService, events: readonly DeliveredEvent[]): Promise<number> {
  let applied = 0;
  for (const event of events) {
    if (event.topic !== SETTLEMENT_RECORDED) continue;
    if (await charity.applySettlementEvent(event.data as SettlementRecorded, event.sequence)) applied++;
  }
  return applied;
}

/** The sink of one process that runs settlements and the charity together. */
export function inProcessCharitySink(charity: CharityService): EventSink {
  return { deliver: async (events) => void (await applySettlementEvents(charity, events)) };
}

/** A delivered event as the wire carries it, checked for the fields ordering and idempotency rest on. */
function readEvents(body: unknown): DeliveredEvent[] {
  const events = (body as { events?: unknown } | null)?.events;
  const wellFormed = (e: Partial<DeliveredEvent> & { data?: Partial<SettlementRecorded> }) =>
    typeof e?.id === "string" && Number.isInteger(e.sequence) && typeof e.topic === "string" && typeof e.data?.settlementId === "string" && typeof e.data?.beneficiaryId === "string";
  if (!Array.isArray(events) || !events.every(wellFormed)) throw new DomainError("INVALID_INPUT", "events", "events: 结算事件列表 / a list of settlement events");
  return events as DeliveredEvent[];
}

/** Only settlements, signed with the shared subgraph secret, speaks to these routes. */
function requireSettlements(header: string | undefined, secret: string): void {
  const principal = verifyPrincipal(header, secret);
  if (principal.keyId !== SETTLEMENTS_PRINCIPAL || principal.role !== "ADMIN") throw new DomainError("FORBIDDEN", PRINCIPAL_HEADER, "只接受结算方的调用 / only settlements calls this");
}

/** Answers with a refusal's code and field, or 500 for anything unplanned. */
function answerError(res: express.Response, error: unknown, logger: Logger, what: string): void {
  if (error instanceof DomainError) {
    res.status(httpStatusOf(error.code)).json({ error: { code: error.code, field: error.field, message: error.message } });
    return;
  }
  logger.error({ err: error }, what);
  res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", field: "", message: "internal error" } });
}

/**
 * The routes the charity process serves to settlements, signed with the shared subgraph secret by
 * the `settlements` principal; anything else is refused and changes nothing.
 * - `POST /events`: events from settlements' outbox; 200 once every event is applied (or was
 *   already); the sender retries anything else.
 * - `GET /allocations/:beneficiaryId/:year`: what the ledger allocated to the household-year, net
 *   of reversals (0 without an entitlement).
 */
export function charityForSettlementsRouter(charity: CharityService, secret: string, logger: Logger): Router {
  const router = express.Router();
  router.post("/events", express.json({ limit: "5mb" }), async (req, res) => {
    try {
      requireSettlements(req.header(PRINCIPAL_HEADER), secret);
      const applied = await applySettlementEvents(charity, readEvents(req.body));
      res.json({ applied });
    } catch (error) {
      answerError(res, error, logger, "settlement events not applied");
    }
  });
  router.get(CHARITY_ALLOCATIONS_ROUTE, async (req, res) => {
    try {
      requireSettlements(req.header(PRINCIPAL_HEADER), secret);
      const { beneficiaryId } = req.params;
      if (!/^\d{4}$/.test(req.params.year)) throw new DomainError("INVALID_INPUT", "year", "year: 四位年份 / a four-digit year");
      const year = Number(req.params.year);
      const answer: CharityAllocationsAnswer = { beneficiaryId, year, allocated: formatAmount(await charity.allocatedTo(beneficiaryId, year)) };
      res.json(answer);
    } catch (error) {
      answerError(res, error, logger, "charity allocations not read");
    }
  });
  return router;
}
