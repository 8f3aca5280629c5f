/**
 * The GraphQL workloads (the floor, settle, read): the documents, a fresh request body per request, and the check that
 * an answer carries what was asked (an answer with `errors`, or without its data, is not a result).
 */
import { Random } from "../prng";

/**
 * One request per claim: both mutations in one document. GraphQL runs the top-level fields of a
 * mutation one after the other, so the claim is stored before it is settled.
 */
export const SETTLE_DOCUMENT =
  "mutation ($claim: ClaimInput!, $id: ID!) { submitted: submitClaim(input: $claim) { id } settled: settleClaim(id: $id) { packVersion selfPay } }";

/** What a partner reads back: the settlement with every line's explanation. */
export const READ_DOCUMENT =
  "query ($id: ID!) { claim(id: $id) { settlement { packId packVersion selfPay lines { tier amount ruleId clause figures } } } }";

/** The result of checking one answer: the claim id it proves settled, if any, or what is wrong. */
export type Verdict = { ok: true; claimId?: string } | { ok: false; problem: string };

/** A workload: builds each request's body and judges each answer. */
export interface Workload {
  body(): string;
  check(text: string): Verdict;
}

function parse(text: string): { data?: Record<string, any> | null; errors?: unknown[] } | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `{ __typename }`: what the gateway costs before any resolver runs (HTTP, Apollo, authentication). */
export const FLOOR_DOCUMENT = "{ __typename }";

/**
 * One bill of the benchmark, as a ClaimInput: the same for the settle and batch phases. Reported
 * basic and critical, as the tests do: the 聊城 pack has no basic-insurance figures.
 */
export function benchBill(beneficiaryId: string, id: string, date: string): Record<string, unknown> {
  return { id, beneficiaryId, date, kind: "INPATIENT", fees: { total: "1200.00" }, reported: { basic: "400.00", critical: "0.00" } };
}

/** A batch's bill: dated after the settle phase's, so that each is the usual in-order case. */
export function batchBill(beneficiaryId: string, suffix: string): Record<string, unknown> {
  return benchBill(beneficiaryId, `${beneficiaryId}-${suffix}`, "2023-07-01");
}

/** The floor: `{ __typename }`, checked like every other answer. */
export function floorWorkload(): Workload {
  const body = JSON.stringify({ query: FLOOR_DOCUMENT });
  return {
    body: () => body,
    check(text) {
      const answer = parse(text);
      if (!answer || answer.errors || answer.data?.__typename !== "Query") return { ok: false, problem: text.slice(0, 300) };
      return { ok: true };
    },
  };
}

/**
 * Submit-and-settle of new claims, spread round-robin over the beneficiaries so that the
 * connections rarely queue on one person's lock. Claim ids are unique per run and request; the
 * date is after the seeded claims, so every settlement is the usual in-order case (no replay).
 */
export function settleWorkload(beneficiaryIds: readonly string[]): Workload {
  const run = Date.now().toString(36);
  let counter = 0;
  return {
    body() {
      counter++;
      const beneficiaryId = beneficiaryIds[counter % beneficiaryIds.length];
      const id = `${beneficiaryId}-${run}-${counter}`;
      const claim = benchBill(beneficiaryId, id, "2023-06-01");
      return JSON.stringify({ query: SETTLE_DOCUMENT, variables: { id, claim } });
    },
    check(text) {
      const answer = parse(text);
      if (!answer || answer.errors) return { ok: false, problem: text.slice(0, 300) };
      const settled = answer.data?.settled as { selfPay?: string } | undefined;
      const submitted = answer.data?.submitted as { id?: string } | undefined;
      if (!settled?.selfPay || !submitted?.id) return { ok: false, problem: `no settlement in ${text.slice(0, 300)}` };
      return { ok: true, claimId: submitted.id };
    },
  };
}

/** Reads of settled claims chosen at random (seeded, so runs read alike). */
export function readWorkload(claimIds: readonly string[], seed = 20_240_601): Workload {
  const random = new Random(seed);
  return {
    body() {
      return JSON.stringify({ query: READ_DOCUMENT, variables: { id: random.pick(claimIds) } });
    },
    check(text) {
      const answer = parse(text);
      if (!answer || answer.errors) return { ok: false, problem: text.slice(0, 300) };
      const lines = (answer.data?.claim as { settlement?: { lines?: unknown[] } } | null | undefined)?.settlement?.lines;
      if (!lines || lines.length === 0) return { ok: false, problem: `no settlement lines in ${text.slice(0, 300)}` };
      return { ok: true };
    },
  };
}

/** One GraphQL request outside a load phase (schema look-ups, the batch, the preview); an unreadable answer becomes an error. */
export async function post(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: Array<{ message: string }> }> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 300)}` }] };
  }
}
