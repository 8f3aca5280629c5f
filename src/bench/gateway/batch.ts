/**
 * The batch phase: one request of many bills to `POST /api/settlement/batch` (the route a hospital's
 * or insurer's nightly file takes; /graphql keeps its 1 MB body limit), timed end to end over HTTP.
 */
import { monotonicMicros } from "./load";
import { batchBill } from "./operations";

export interface BatchResult {
  bills: number;
  seconds: number;
  billsPerSecond: number;
}

/** Sends `bills` new bills of the seeded beneficiaries in one request; throws when any is refused. */
export async function runBatch(url: string, key: string, beneficiaryIds: readonly string[], bills: number): Promise<BatchResult> {
  const run = Date.now().toString(36);
  const claims = Array.from({ length: bills }, (_, i) => batchBill(`${beneficiaryIds[i % beneficiaryIds.length]}`, `B${run}-${i}`));
  const started = monotonicMicros();
  const response = await fetch(`${url}/api/settlement/batch`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ claims }) });
  const text = await response.text();
  const seconds = (monotonicMicros() - started) / 1e6;
  if (!response.ok) throw new Error(`batch of ${bills} bills: HTTP ${response.status}: ${text.slice(0, 500)}`);
  const results = (JSON.parse(text) as { results?: Array<{ error: unknown }> }).results ?? [];
  if (results.length !== bills) throw new Error(`batch of ${bills} bills: ${results.length} results`);
  const refused = results.filter((result) => result.error);
  if (refused.length > 0) throw new Error(`batch of ${bills} bills: ${refused.length} refused, e.g. ${JSON.stringify(refused[0].error)}`);
  return { bills, seconds, billsPerSecond: bills / seconds };
}
