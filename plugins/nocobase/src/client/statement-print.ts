/**
 * 打印化解清单: the household's resolution statement of the case's year, laid out for paper in a new
 * window, which then opens the browser's print dialog.
 */
import { TIER_NAMES_ZH, type Tier } from "../../../../src/engine/vocabulary";
import { CLAIM_KIND_NAMES_ZH } from "../../../../src/engine/vocabulary";
import { groupedAmount } from "./dom";
import type { Translate } from "./locale";
import type { SettlementApi, StatementView } from "./settlement-api";

const PRINT_STYLE = "body{font-family:serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #333;padding:4px}.amount{text-align:right}";

function statementBody(doc: Document, statement: StatementView, t: Translate): HTMLElement {
  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, text: string, attributes: Record<string, string> = {}) => {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.textContent = text;
    return node;
  };
  const root = doc.createElement("main");
  root.append(make("h1", `${t("Resolution statement")} · ${statement.year}`), make("p", `${t("Beneficiary")}：${statement.beneficiaryId}`));
  const table = doc.createElement("table");
  const header = doc.createElement("tr");
  for (const heading of [t("Date"), t("Kind"), t("Bill total"), ...statement.tierTotals.map((total) => TIER_NAMES_ZH[total.tier as Tier] ?? total.tier), t("Self-pay before charity")]) header.append(make("th", heading));
  table.append(header);
  for (const claim of statement.claims) {
    const row = doc.createElement("tr");
    row.append(make("td", claim.date), make("td", CLAIM_KIND_NAMES_ZH[claim.kind as keyof typeof CLAIM_KIND_NAMES_ZH] ?? claim.kind), make("td", groupedAmount(claim.total), { class: "amount" }));
    for (const total of statement.tierTotals) row.append(make("td", groupedAmount(claim.lines.find((line) => line.tier === total.tier)?.amount ?? "0.00"), { class: "amount" }));
    row.append(make("td", groupedAmount(claim.selfPayBeforeCharity), { class: "amount" }));
    table.append(row);
  }
  root.append(table);
  const totals: Array<[string, string | null, string]> = [
    [t("Bill total"), statement.billTotal, "billTotal"],
    [t("Self-pay before charity"), statement.selfPayBeforeCharity, "selfPayBeforeCharity"],
    [t("Charity entitlement"), statement.charityEntitlement, "charityEntitlement"],
    [t("Charity allocated"), statement.charityAllocated, "charityAllocated"],
    [t("Still pays"), statement.stillPays, "stillPays"],
  ];
  for (const [label, value, name] of totals) if (value !== null) root.append(make("p", `${label}：${groupedAmount(value)} 元`, { "data-name": name }));
  return root;
}

/** Opens the statement in a new window and prints it. */
export async function printStatement(api: SettlementApi, caseId: number | string, t: Translate): Promise<void> {
  const statement = await api.statement(caseId);
  const win = window.open("", "_blank");
  if (!win) throw new Error(t("Print statement"));
  const doc = win.document;
  doc.title = `${t("Resolution statement")} ${statement.beneficiaryId} ${statement.year}`;
  doc.head.append(Object.assign(doc.createElement("style"), { textContent: PRINT_STYLE }));
  doc.body.replaceChildren(statementBody(doc, statement, t));
  win.focus();
  win.print();
}
