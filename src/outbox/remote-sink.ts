/**
 * A sink in another process: the events POSTed as JSON to its URL, signed as a system principal
 * (src/access/principal-token.ts) with the secret the subgraphs share. Anything but a 2xx answer,
 * a timeout or a refused connection is a failure the consumer retries with back-off.
 */
import { Principal } from "../access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../access/principal-token";
import type { DeliveredEvent, EventSink } from "./outbox-consumer";

export function remoteSink(url: string, secret: string, sender: string, timeoutMillis = 5000): EventSink {
  const principal = Principal.system(sender);
  return {
    async deliver(events: readonly DeliveredEvent[]): Promise<void> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", [PRINCIPAL_HEADER]: signPrincipal(principal, secret) },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(timeoutMillis),
      });
      // The answer's body is not needed: 2xx means every event was applied (or already was).
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  };
}
