/**
 * The plugin's server actions as the client calls them, through NocoBase's API client
 * (`app.apiClient.request`, axios-shaped): a refusal arrives as NocoBase's error body,
 * `{ errors: [{ code, field, message }] }`, and is turned into a SettlementRefusal.
 */

import type { CaseSettlement, CaseSettlementLine } from "../server/settlement-result";

/** NocoBase's `APIClient.request`, as far as the client uses it. */
export type ApiRequest = (options: { url: string; method?: "get" | "post"; params?: Record<string, unknown>; data?: unknown }) => Promise<{ data: { data?: unknown; meta?: unknown } }>;

/** A settlement as the server actions answer it: the server's own shape (types only, nothing is bundled). */
export type SettlementView = CaseSettlement;
export type SettlementLineView = CaseSettlementLine;

export interface SettlementResult {
  mode: "library" | "gateway";
  settlement: SettlementView;
  explanation: string;
}

export interface SettingsView {
  mode: "library" | "gateway";
  gatewayUrl: string | null;
  gatewayKeySet: boolean;
  source: "settings" | "environment";
}

export interface CaseRow {
  id: number;
  beneficiaryId: string;
  beneficiaryName: string | null;
  claimDate: string;
  feeTotal: string | number;
  settlementStatus: string | null;
}

/** A refusal from the server, with the engine's code and the case field. */
export class SettlementRefusal extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function refusalOf(error: unknown): unknown {
  const first = (error as { response?: { data?: { errors?: Array<{ code?: string; field?: string; message?: string }> } } }).response?.data?.errors?.[0];
  return first ? new SettlementRefusal(first.code ?? "ERROR", first.field ?? "", first.message ?? String(error)) : error;
}

export class SettlementApi {
  constructor(
    private readonly request: ApiRequest,
    readonly caseCollection = "medassistCases",
  ) {}

  private async call<T>(url: string, method: "get" | "post", params?: Record<string, unknown>, data?: unknown): Promise<T> {
    try {
      return (await this.request({ url, method, params, data })).data.data as T;
    } catch (error) {
      throw refusalOf(error);
    }
  }

  quote(caseId: number | string): Promise<SettlementResult> {
    return this.call("settlement:quote", "post", { filterByTk: caseId });
  }

  settle(caseId: number | string): Promise<SettlementResult> {
    return this.call("settlement:settle", "post", { filterByTk: caseId });
  }

  statement(caseId: number | string): Promise<StatementView> {
    return this.call("settlement:statement", "get", { filterByTk: caseId });
  }

  cases(): Promise<CaseRow[]> {
    return this.call(`${this.caseCollection}:list`, "get", { sort: "-id", pageSize: 50 });
  }

  getCase(caseId: number | string): Promise<CaseRow & Record<string, unknown>> {
    return this.call(`${this.caseCollection}:get`, "get", { filterByTk: caseId });
  }

  settings(): Promise<SettingsView> {
    return this.call("settlementSettings:read", "get");
  }

  saveSettings(values: { mode: string; gatewayUrl: string; gatewayKey: string }): Promise<SettingsView> {
    return this.call("settlementSettings:save", "post", undefined, values);
  }
}

/** The household's resolution statement, as `settlement:statement` returns it. */
export interface StatementView {
  beneficiaryId: string;
  year: number;
  source: "library" | "gateway";
  claims: Array<{ claimId: string; date: string; kind: string; total: string; selfPayBeforeCharity: string; lines: Array<{ tier: string; amount: string; clause: string | null }> }>;
  tierTotals: Array<{ tier: string; amount: string }>;
  billTotal: string;
  selfPayBeforeCharity: string;
  charityEntitlement: string;
  charityAllocated: string | null;
  stillPays: string | null;
}
