/**
 * How settlement events reach the charity: applied in order, each once (CharityService
 * .applySettlementEvent is idempotent by settlement id). In one process the outbox consumer calls
 * the in-process sink; when the charity runs apart, settlements' consumer POSTs the events to the
 * charity process's `POST /events`, signed as the `settlements` system principal.
 */
import express, { type Router } from "express";
import { DomainError, httpStatusOf } from "../lib/errors";
import type { Logger } from "../lib/logger";
import { PRINCIPAL_HEADER, verifyPrincipal } from "../access/principal-token";
import type { DeliveredEvent, EventSink } from "../outbox/outbox-consumer";
import { SETTLEMENT_RECORDED, type SettlementRecorded } from "../outbox/settlement-recorded";
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

/**
 * `POST /events` of the charity process: events from settlements' outbox, signed with the shared
 * subgraph secret by the `settlements` principal; anything else is refused and changes nothing.
 * 200 once every event is applied (or was already); the sender retries anything else.
 */
export function settlementEventsRouter(charity: CharityService, secret: string, logger: Logger): Router {
  const router = express.Router();
  router.post("/events", express.json({ limit: "5mb" }), async (req, res) => {
    try {
      const principal = verifyPrincipal(req.header(PRINCIPAL_HEADER), secret);
      if (principal.keyId !== SETTLEMENTS_PRINCIPAL || principal.role !== "ADMIN") throw new DomainError("FORBIDDEN", PRINCIPAL_HEADER, "只接受结算方的事件 / only settlements sends settlement events");
      const applied = await applySettlementEvents(charity, readEvents(req.body));
      res.json({ applied });
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(httpStatusOf(error.code)).json({ error: { code: error.code, field: error.field, message: error.message } });
        return;
      }
      logger.error({ err: error }, "settlement events not applied");
      res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", field: "", message: "internal error" } });
    }
  });
  return router;
}
