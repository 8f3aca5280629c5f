/**
 * A settlement as text for a person: each tier's amount with the rule, clause and figures behind it,
 * or the reason it paid nothing.
 */
import { formatAmount } from "../lib/money";
import type { Settlement } from "../engine/types";
import { TIER_NAMES_ZH } from "../engine/vocabulary";
import { citationText } from "../engine/citation";



/** Renders a settlement in a few aligned lines. */
export function explainSettlement(settlement: Settlement): string {
  const out: string[] = [];
  out.push(
    `claim ${settlement.claimId} (${settlement.date}) of ${settlement.beneficiaryId} — pack ${settlement.packId} v${settlement.packVersion}, ` +
      `category ${settlement.category ?? "none (ordinary insured)"}; total ${formatAmount(settlement.total)}, in policy ${formatAmount(settlement.policyScope)}`,
  );
  for (const line of settlement.lines) {
    const name = `${line.tier} ${TIER_NAMES_ZH[line.tier as keyof typeof TIER_NAMES_ZH] ?? ""}`.padEnd(22);
    const amount = formatAmount(line.amount).padStart(12);
    const source = line.source === "REPORTED" ? "reported by partner" : line.ruleId ? `rule ${line.ruleId} (${citationText(line.citation)})` : "";
    const figures = Object.entries(line.figures).map(([k, v]) => `${k}=${v}`).join(" ");
    out.push(`  ${name}${amount}  ${source}${line.reason ? ` — ${line.note}` : ""}`);
    if (figures) out.push(`  ${"".padEnd(34)}${figures}`);
  }
  out.push(`  ${"selfPay 个人自付".padEnd(22)}${formatAmount(settlement.selfPay).padStart(12)}`);
  return out.join("\n");
}
