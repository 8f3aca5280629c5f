/**
 * How many webhook deliveries wait to be sent: the one number operations watch about webhooks
 * (the /metrics queue depth). Kept apart so that it follows wherever deliveries are queued.
 */
import type { DataSource } from "typeorm";
import { WebhookDeliveryEntity } from "./webhook.entity";

export function pendingWebhookDeliveries(dataSource: DataSource): Promise<number> {
  return dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: "PENDING" });
}
