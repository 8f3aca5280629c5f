/**
 * A case's action bar (试算, 结算, 打印化解清单) and its 结算明细 block. 试算 shows what settling would
 * give without storing anything; 结算 settles the stored case and shows what was written back.
 */
import { el } from "./dom";
import type { Translate } from "./locale";
import { renderRefusal, renderSettlementBlock } from "./settlement-block";
import type { SettlementApi, SettlementResult } from "./settlement-api";
import { printStatement } from "./statement-print";

export interface CaseActionsOptions {
  api: SettlementApi;
  caseId: number | string;
  t: Translate;
  /** Called after a settlement was stored, e.g. to refresh the case's form. */
  onSettled?: (result: SettlementResult) => void;
}

export function mountCaseActions(container: HTMLElement, { api, caseId, t, onSettled }: CaseActionsOptions): void {
  const block = el("section", { class: "settlement-block", "data-state": "empty" });
  const run = async (button: HTMLButtonElement, work: () => Promise<void>) => {
    button.disabled = true;
    block.setAttribute("data-state", "working");
    try {
      await work();
    } catch (error) {
      renderRefusal(block, error as { code?: string; field?: string; message: string }, t);
    } finally {
      button.disabled = false;
    }
  };
  const button = (label: string, action: string, work: (self: HTMLButtonElement) => Promise<void>) => {
    const self = el("button", { type: "button", "data-action": action }, label);
    self.addEventListener("click", () => run(self, () => work(self)));
    return self;
  };
  container.replaceChildren(
    el(
      "div",
      { class: "case-actions" },
      button(t("Quote"), "quote", async () => renderSettlementBlock(block, await api.quote(caseId), false, t)),
      button(t("Settle"), "settle", async () => {
        const result = await api.settle(caseId);
        renderSettlementBlock(block, result, true, t);
        onSettled?.(result);
      }),
      button(t("Print statement"), "print", () => printStatement(api, caseId, t)),
    ),
    block,
  );
}
