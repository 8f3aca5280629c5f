/**
 * The beneficiary port's remote adapter: a person's record from the subgraph that owns
 * `Beneficiary @key(fields: "jurisdiction id")` (the beneficiaries subgraph, or an office's own
 * civil-affairs registry), asked over HTTP with `_entities`, batched, with the caller's principal
 * signed (principal-token.ts) and a timeout. An owner that cannot answer — no connection, no
 * answer in time, an HTTP error, GraphQL errors, an answer that is not a record — is
 * BENEFICIARY_SOURCE_UNAVAILABLE: nothing is settled on a guess. A person the owner answers null
 * for does not exist (NOT_FOUND to the caller, as today).
 */
import { DomainError, isDomainError } from "../lib/errors";
import { readBeneficiary } from "../engine/input";
import type { Principal } from "../access/principal";
import { PRINCIPAL_HEADER, requireSecret, signPrincipal } from "../access/principal-token";
import { jurisdictionOf, partnerId, scopedKey } from "../access/tenant-ids";
import type { BeneficiaryPage, BeneficiaryRecord, BeneficiarySource, SourceCaller } from "./beneficiary-source";

export interface RemoteSourceOptions {
  /** The owner's GraphQL endpoint, e.g. http://registry.internal:4100/graphql. */
  url: string;
  /** SUBGRAPH_SECRET, shared with the owner: it signs the caller's principal. */
  secret: string;
  /** How long one request may take before the owner counts as unavailable. */
  timeoutMillis?: number;
  /** Representations per `_entities` request. */
  batchSize?: number;
}

/** One request's journey on a loaded machine; a registry slower than this stops settling, visibly. */
export const DEFAULT_SOURCE_TIMEOUT_MILLIS = 5_000;
/** The largest page the `beneficiaries` connection gives (lib/connection pageSize). */
const BATCH_SIZE = 100;

// An application's decision and the phase-outs are part of the record: without them a PENDING
// application would read as approved (input.ts assumedApproval) and a 渐退期 would be lost.
const RECORD_FIELDS = "id jurisdiction name nationalId township identities { category from to } applications { program date status decidedOn } phaseOuts { category from to }";
const ENTITIES = `query BeneficiaryRecords($representations: [_Any!]!) { _entities(representations: $representations) { ... on Beneficiary { ${RECORD_FIELDS} } } }`;
const PAGE = `query BeneficiaryPage($filter: BeneficiaryFilter, $first: Int!, $after: String) { beneficiaries(filter: $filter, first: $first, after: $after) { edges { node { ${RECORD_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

export class RemoteBeneficiarySource implements BeneficiarySource {
  /** The owner shows each caller what it may see (a partner gets the national ID masked). */
  readonly showsInFull = false;
  private readonly timeoutMillis: number;
  private readonly batchSize: number;

  constructor(private readonly options: RemoteSourceOptions) {
    requireSecret(options.secret);
    this.timeoutMillis = options.timeoutMillis ?? DEFAULT_SOURCE_TIMEOUT_MILLIS;
    this.batchSize = options.batchSize ?? BATCH_SIZE;
  }

  async records(keys: readonly string[], caller: SourceCaller): Promise<Map<string, BeneficiaryRecord>> {
    const unique = [...new Set(keys)];
    const batches: string[][] = [];
    for (let start = 0; start < unique.length; start += this.batchSize) batches.push(unique.slice(start, start + this.batchSize));
    const found = new Map<string, BeneficiaryRecord>();
    for (const batch of await Promise.all(batches.map((batch) => this.entities(batch, caller.principal)))) {
      for (const record of batch) found.set(record.key, record);
    }
    return found;
  }

  private async entities(keys: string[], principal: Principal): Promise<BeneficiaryRecord[]> {
    const representations = keys.map((key) => ({ __typename: "Beneficiary", jurisdiction: jurisdictionOf(key), id: partnerId(key) }));
    const data = await this.ask(ENTITIES, { representations }, principal);
    const entities = data._entities;
    if (!Array.isArray(entities) || entities.length !== keys.length) throw unavailable("它的 _entities 回答与所问不符 / its _entities answer does not match the representations sent");
    return entities.flatMap((entity, index) => (entity === null ? [] : [toRecord(entity, keys[index])]));
  }

  async page(jurisdiction: string, after: string | null, limit: number, caller: SourceCaller): Promise<BeneficiaryPage> {
    const data = await this.ask(PAGE, { filter: { jurisdiction }, first: Math.min(limit, BATCH_SIZE), after }, caller.principal);
    const connection = data.beneficiaries as { edges?: Array<{ node?: unknown }>; pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } } | null;
    if (!connection || !Array.isArray(connection.edges) || !connection.pageInfo) throw unavailable("它的 beneficiaries 回答不是分页列表 / its beneficiaries answer is not a connection");
    const records = connection.edges.map((edge) => toRecord(edge.node, null));
    const next = connection.pageInfo.hasNextPage === true && typeof connection.pageInfo.endCursor === "string" ? connection.pageInfo.endCursor : null;
    return { records: records.filter((r) => r.jurisdiction === jurisdiction), next };
  }

  /** One GraphQL request to the owner; its `data`, or BENEFICIARY_SOURCE_UNAVAILABLE. */
  private async ask(query: string, variables: Record<string, unknown>, principal: Principal): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", [PRINCIPAL_HEADER]: signPrincipal(principal, this.options.secret) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMillis),
      });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === "TimeoutError";
      throw unavailable(timedOut ? `${this.timeoutMillis} 毫秒内未应答 / it did not answer within ${this.timeoutMillis} ms` : "无法连接 / it could not be reached");
    }
    let body: { data?: Record<string, unknown> | null; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw unavailable(`回答不是 JSON（HTTP ${response.status}）/ it answered HTTP ${response.status} without JSON`);
    }
    if (body.errors && body.errors.length > 0) {
      const first = body.errors[0];
      throw unavailable(`回答错误 / it answered with an error: ${String(first.extensions?.code ?? "")} ${String(first.message ?? "")}`.trim());
    }
    if (!response.ok || !body.data) throw unavailable(`回答 HTTP ${response.status} / it answered HTTP ${response.status}`);
    return body.data;
  }
}

/** A record as the owner sent it, read as strictly as a partner's input; `expectedKey` when asked by key. */
function toRecord(raw: unknown, expectedKey: string | null): BeneficiaryRecord {
  const entity = (raw ?? {}) as { id?: unknown; jurisdiction?: unknown; name?: unknown; nationalId?: unknown; township?: unknown };
  if (typeof entity.jurisdiction !== "string" || typeof entity.id !== "string") throw unavailable("它的回答缺少 id 或 jurisdiction / its answer lacks id or jurisdiction");
  const key = scopedKey(entity.jurisdiction, entity.id);
  if (expectedKey !== null && key !== expectedKey) throw unavailable(`问 ${partnerId(expectedKey)}，答的是另一人 / asked for ${partnerId(expectedKey)}, it answered for another person`);
  try {
    const beneficiary = readBeneficiary(raw, "beneficiary");
    const text = (value: unknown) => (typeof value === "string" ? value : null);
    const person = { name: text(entity.name) ?? "", nationalId: text(entity.nationalId), township: text(entity.township) };
    return { key, jurisdiction: entity.jurisdiction, beneficiary: { ...beneficiary, id: key }, person };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    throw unavailable(`${entity.id} 的记录无法读取 / its record of ${entity.id} cannot be read: ${error.message}`);
  }
}

function unavailable(reason: string): DomainError {
  return new DomainError("BENEFICIARY_SOURCE_UNAVAILABLE", "beneficiaryId", `受助人身份登记系统不可用，未作结算 / the registry of beneficiaries' categories is unavailable, nothing was settled: ${reason}`);
}
