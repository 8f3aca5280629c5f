/**
 * How much webhook work waits: events in the outbox not yet fanned out, plus deliveries not yet
 * sent — the one number operations watch about webhooks (the /metrics queue depth).
 */
import { IsNull, type DataSource } from "typeorm";
import { OutboxEventEntity } from "../outbox/outbox.entity";
import { WebhookDeliveryEntity } from "./webhook.entity";

export async function pendingWebhookDeliveries(dataSource: DataSource): Promise<number> {
  const [events, deliveries] = await Promise.all([
    dataSource.getRepository(OutboxEventEntity).countBy({ dispatchedAt: IsNull() }),
    dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: "PENDING" }),
  ]);
  return events + deliveries;
}
