/**
 * The case page the plugin brings with it, so that an administrator need not build one: the cases
 * of the case collection, and for an opened case its figures, the action bar and the 结算明细 block.
 */
import { mountCaseActions } from "./case-actions";
import { el, groupedAmount } from "./dom";
import type { Translate } from "./locale";
import type { CaseRow, SettlementApi } from "./settlement-api";

const CASE_FIGURES: Array<[string, string]> = [
  ["beneficiaryName", "Beneficiary"],
  ["claimDate", "Claim date"],
  ["feeTotal", "Total fees"],
  ["settlementStatus", "Status"],
];

function statusText(row: CaseRow, t: Translate): string {
  return row.settlementStatus === "SETTLED" ? t("Settled") : t("Not settled");
}

async function showCase(container: HTMLElement, api: SettlementApi, caseId: number, t: Translate): Promise<void> {
  const back = el("button", { type: "button", "data-action": "back" }, t("Back to cases"));
  back.addEventListener("click", () => void mountCasePage(container, api, t));
  const figures = el("dl", { class: "case-figures" });
  const fill = (row: CaseRow & Record<string, unknown>) =>
    figures.replaceChildren(
      ...CASE_FIGURES.flatMap(([field, label]) => [
        el("dt", {}, t(label)),
        el("dd", { "data-field": field }, field === "feeTotal" ? groupedAmount(row.feeTotal) : field === "settlementStatus" ? statusText(row, t) : String(row[field] ?? "")),
      ]),
    );
  fill(await api.getCase(caseId));
  const actions = el("div");
  mountCaseActions(actions, { api, caseId, t, onSettled: async () => fill(await api.getCase(caseId)) });
  container.replaceChildren(back, el("h2", {}, `${t("Case")} ${caseId}`), figures, actions);
}

/** Lists the cases; opening one shows it with its actions. */
export async function mountCasePage(container: HTMLElement, api: SettlementApi, t: Translate): Promise<void> {
  const rows = await api.cases();
  const table = el(
    "table",
    { class: "cases" },
    el("thead", {}, el("tr", {}, ...["Case", "Beneficiary", "Claim date", "Total fees", "Status", ""].map((h) => el("th", {}, h ? t(h) : "")))),
    el(
      "tbody",
      {},
      ...rows.map((row) => {
        const open = el("button", { type: "button", "data-action": "open", "data-case": String(row.id) }, t("Open"));
        open.addEventListener("click", () => void showCase(container, api, row.id, t));
        return el("tr", {}, el("td", {}, String(row.id)), el("td", {}, row.beneficiaryName ?? row.beneficiaryId), el("td", {}, row.claimDate), el("td", { class: "amount" }, groupedAmount(row.feeTotal)), el("td", {}, statusText(row, t)), el("td", {}, open));
      }),
    ),
  );
  container.replaceChildren(el("h2", {}, t("Cases")), rows.length ? table : el("p", {}, t("No cases yet")));
}
