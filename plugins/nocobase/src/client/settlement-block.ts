/**
 * The 结算明细 block: a settlement (a quote or the settled result) as a table of its layers, each
 * with its amount, the policy clause that paid it and the reason in words, and the totals.
 */
import { TIER_NAMES_ZH, type Tier } from "../../../../src/engine/vocabulary";
import { CATEGORY_NAMES_ZH } from "../../../../src/engine/vocabulary";
import { el, groupedAmount } from "./dom";
import type { Translate } from "./locale";
import type { SettlementLineView, SettlementResult } from "./settlement-api";

const tierName = (tier: string): string => TIER_NAMES_ZH[tier as Tier] ?? tier;

export const categoryName = (category: string | null, t: Translate): string =>
  category === null ? t("None (ordinary insured)") : (CATEGORY_NAMES_ZH[category as keyof typeof CATEGORY_NAMES_ZH] ?? category);

/** The line's reason: the server's sentence in words where it sends one, else the engine's note. */
const reasonOf = (line: SettlementLineView): string => line.sentence ?? line.note;

function lineRow(line: SettlementLineView): HTMLTableRowElement {
  return el(
    "tr",
    { "data-tier": line.tier },
    el("td", {}, tierName(line.tier)),
    el("td", { class: "amount", "data-amount": line.amount }, groupedAmount(line.amount)),
    el("td", {}, line.clause ?? "—"),
    el("td", {}, reasonOf(line)),
  );
}

/** Renders `result` into `container`, replacing what it showed; `settled` says whether it was stored. */
export function renderSettlementBlock(container: HTMLElement, result: SettlementResult, settled: boolean, t: Translate): void {
  const { settlement } = result;
  const summary = (label: string, value: string, name: string) => el("div", { class: "summary", "data-name": name }, el("span", {}, `${label}：`), el("strong", {}, value));
  container.replaceChildren(
    el("h3", {}, `${t("Settlement details")} · ${settled ? t("Settled amounts") : t("Quote (not saved)")}`),
    summary(t("Policy"), `${settlement.packId} v${settlement.packVersion}`, "pack"),
    summary(t("Category"), categoryName(settlement.category, t), "category"),
    summary(t("Mode"), result.mode === "gateway" ? t("Gateway mode") : t("Library mode"), "mode"),
    el(
      "table",
      { class: "settlement-lines" },
      el("thead", {}, el("tr", {}, ...[t("Layer"), t("Amount (yuan)"), t("Clause"), t("Reason")].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...settlement.lines.map(lineRow)),
    ),
    summary(t("Bill total"), groupedAmount(settlement.total), "total"),
    summary(t("Within policy scope"), groupedAmount(settlement.policyScope), "policyScope"),
    summary(t("Self-pay"), groupedAmount(settlement.selfPay), "selfPay"),
  );
  container.setAttribute("data-state", settled ? "settled" : "quoted");
}

/** Shows a refusal (code, field and the server's message) in the block. */
export function renderRefusal(container: HTMLElement, refusal: { code?: string; field?: string; message: string }, t: Translate): void {
  container.replaceChildren(el("div", { class: "refusal", role: "alert", "data-code": refusal.code ?? "" }, `${t("Refused")}：${refusal.message}${refusal.code ? ` [${refusal.code}${refusal.field ? ` · ${refusal.field}` : ""}]` : ""}`));
  container.setAttribute("data-state", "refused");
}
