/**
 * The printable resolution statement (化解清单), laid out for A4 in Chinese, as the village
 * coordinator hands it to the household (乐政办发〔2022〕41号 三(三)11).
 */
import { ZERO, formatAmount, type Money } from "../lib/money";
import type { ResolutionStatement } from "./charity.service";
import { CLAIM_KIND_NAMES_ZH, TIERS, TIER_NAMES_ZH, type ClaimKind } from "../engine/vocabulary";

// On the statement the charity line is what the policy entitles the household to, not yet paid.
const TIER_NAMES: Record<string, string> = { ...TIER_NAMES_ZH, charity: "慈善化解(应化解)" };

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const yuan = (value: Money) => formatAmount(value);

/** Renders the statement as a complete HTML page. */
export function renderStatementPage(statement: ResolutionStatement, printedAt: string): string {
  const { beneficiary } = statement;
  // The layers that paid; charity is the entitlement, shown against the allocations below.
  const tiers = TIERS.filter((tier) => tier !== "charity");
  const claimRows = statement.claims
    .map((claim) => {
      const cells = tiers.map((tier) => `<td class="num">${yuan(claim.lines.find((l) => l.tier === tier)?.amount ?? ZERO)}</td>`).join("");
      return `<tr data-claim="${escape(claim.claimId)}"><td>${escape(claim.date)}</td><td>${escape(CLAIM_KIND_NAMES_ZH[claim.kind as ClaimKind] ?? claim.kind)}</td><td class="num">${yuan(claim.total)}</td>${cells}<td class="num">${yuan(claim.selfPayBeforeCharity)}</td></tr>`;
    })
    .join("\n");
  const basisRows = statement.claims
    .flatMap((claim) =>
      claim.lines
        .filter((l) => !l.amount.isZero())
        .map((l) => `<tr><td>${escape(claim.date)}</td><td>${escape(TIER_NAMES[l.tier] ?? l.tier)}</td><td class="num">${yuan(l.amount)}</td><td>${l.source === "REPORTED" ? "经办机构报送" : escape(l.clause ?? "")}</td><td class="rule">${escape(l.ruleId ?? "")}</td></tr>`),
    )
    .join("\n");
  const allocationRows = statement.allocations.length
    ? statement.allocations
        .map((a) => `<tr${a.reversed ? ' class="reversed"' : ""}><td>${escape(a.date)}</td><td>${escape(a.fundName)}</td><td class="num">${yuan(a.amount)}</td><td>${a.reversed ? "已冲正" : ""}</td></tr>`)
        .join("\n")
    : `<tr><td colspan="4">暂无慈善基金化解</td></tr>`;
  const totals = tiers.map((tier) => `<td class="num">${yuan(statement.tierTotals.find((t) => t.tier === tier)!.amount)}</td>`).join("");

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>高额医疗费用化解清单 ${escape(beneficiary.id)} ${statement.year}</title>
<style>
  @page { size: A4; margin: 15mm 12mm; }
  body { font-family: "Noto Serif CJK SC", "Songti SC", "SimSun", serif; font-size: 10.5pt; color: #000; max-width: 186mm; margin: 0 auto; }
  h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.1em; }
  h2 { font-size: 11.5pt; margin: 5mm 0 2mm; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
  th, td { border: 0.3mm solid #000; padding: 1mm 1.5mm; }
  th { background: #eee; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.rule { font-family: monospace; font-size: 8pt; }
  tr.reversed td { text-decoration: line-through; color: #555; }
  .meta td { border: none; padding: 0.5mm 1mm; }
  .summary td:first-child { width: 60%; }
  .sign { margin-top: 10mm; display: flex; justify-content: space-between; }
  @media print { .noprint { display: none; } }
</style>
</head>
<body>
<h1>${escape(beneficiary.jurisdictionName)}困难群众高额医疗费用化解清单</h1>
<table class="meta">
  <tr><td>姓名：<span data-testid="name">${escape(beneficiary.name)}</span></td><td>编号：${escape(beneficiary.id)}</td></tr>
  <tr><td>身份证号：${escape(beneficiary.nationalId ?? "—")}</td><td>乡镇（街道）：${escape(beneficiary.township ?? "—")}</td></tr>
  <tr><td>年度：<span data-testid="year">${statement.year}</span></td><td>打印时间：${escape(printedAt)}</td></tr>
</table>

<h2>一、医疗费用及各重保障支付（元）</h2>
<table>
  <thead><tr><th>就诊日期</th><th>类别</th><th>医疗总费用</th><th>基本医保</th><th>大病保险</th><th>医疗救助</th><th>再救助</th><th>商业补充保险</th><th>四重保障后自负</th></tr></thead>
  <tbody>
${claimRows}
  </tbody>
  <tfoot><tr><th colspan="2">合计</th><td class="num" data-testid="bill-total">${yuan(statement.billTotal)}</td>${totals}<td class="num" data-testid="self-pay-before-charity">${yuan(statement.selfPayBeforeCharity)}</td></tr></tfoot>
</table>

<h2>二、慈善医疗救助共富基金化解</h2>
<table>
  <thead><tr><th>日期</th><th>基金</th><th>化解金额</th><th>备注</th></tr></thead>
  <tbody>
${allocationRows}
  </tbody>
</table>

<h2>三、汇总（元）</h2>
<table class="summary">
  <tr><td>四重保障后个人自负合计</td><td class="num">${yuan(statement.selfPayBeforeCharity)}</td></tr>
  <tr><td>按政策应化解金额（自负超过 5 万元部分）</td><td class="num" data-testid="charity-entitlement">${yuan(statement.charityEntitlement)}</td></tr>
  <tr><td>慈善基金已化解金额</td><td class="num" data-testid="charity-allocated">${yuan(statement.charityAllocated)}</td></tr>
  <tr><td><strong>个人仍需负担</strong></td><td class="num"><strong data-testid="still-pays">${yuan(statement.stillPays)}</strong></td></tr>
</table>

<h2>四、支付依据</h2>
<table>
  <thead><tr><th>就诊日期</th><th>保障层</th><th>金额</th><th>政策依据</th><th>规则</th></tr></thead>
  <tbody>
${basisRows}
  </tbody>
</table>

<div class="sign"><span>村（居）协管员签字：</span><span>家庭代表签收：</span><span>日期：</span></div>
</body>
</html>
`;
}
