/**
 * The printable resolution statement (化解清单), laid out for A4 in Chinese as an official
 * document, as the village coordinator hands it to the household (乐政办发〔2022〕41号 三(三)11):
 * issuing body, serial number, the household's categories, each layer with its rule in words,
 * each allocation with its reason, a seal area and signature lines.
 */
import { ZERO, formatYuan, type Money } from "../lib/money";
import type { ResolutionStatement } from "./charity.service";
import { CLAIM_KIND_NAMES_ZH, TIERS, TIER_NAMES_ZH, type ClaimKind } from "../engine/vocabulary";
import { escapeHtml as escape } from "../pages/html";

// On the statement the charity line is what the policy entitles the household to, not yet paid.
const TIER_NAMES: Record<string, string> = { ...TIER_NAMES_ZH, charity: "慈善化解(应化解)" };


const yuan = (value: Money) => formatYuan(value);

export interface StatementPageOptions {
  printedAt: string;
  /** The body that issues the statement (STATEMENT_ISSUERS); null leaves a line to fill in. */
  issuer: string | null;
}

function claimRows(statement: ResolutionStatement, tiers: string[]): string {
  return statement.claims
    .map((claim) => {
      const cells = tiers.map((tier) => tierCell(claim.lines.find((l) => l.tier === tier), tier)).join("");
      return `<tr data-claim="${escape(claim.claimId)}"><td>${escape(claim.date)}</td><td>${escape(CLAIM_KIND_NAMES_ZH[claim.kind as ClaimKind] ?? claim.kind)}</td><td class="num">${yuan(claim.total)}</td>${cells}<td class="num">${yuan(claim.selfPayBeforeCharity)}</td></tr>`;
    })
    .join("\n");
}

/** A tier's amount, or 待报送 for a tier a partial settlement leaves pending (staged settlement). */
function tierCell(line: { amount: Money; reason: string | null } | undefined, tier: string): string {
  if (line?.reason === "PENDING") return `<td class="num pending" data-pending="${escape(tier)}">待报送</td>`;
  return `<td class="num">${yuan(line?.amount ?? ZERO)}</td>`;
}

function basisRows(statement: ResolutionStatement): string {
  return statement.claims
    .flatMap((claim) =>
      claim.lines
        .filter((l) => !l.amount.isZero() || l.reason === "PENDING")
        .map((l) => {
          const basis = l.reason === "PENDING" ? "待报送" : l.source === "REPORTED" ? "经办机构报送" : `${escape(l.ruleName ?? l.ruleId ?? "")}<br><span class="clause">${escape(l.clause ?? "")}</span>`;
          return `<tr><td>${escape(claim.date)}</td><td>${escape(TIER_NAMES[l.tier] ?? l.tier)}</td><td class="num">${yuan(l.amount)}</td><td class="basis">${basis}</td><td class="why">${escape(l.explanation)}</td></tr>`;
        }),
    )
    .join("\n");
}

function allocationRows(statement: ResolutionStatement): string {
  if (!statement.allocations.length) return `<tr><td colspan="4">暂无慈善基金化解</td></tr>`;
  return statement.allocations
    .map((a) => `<tr${a.reversed ? ' class="reversed"' : ""}><td>${escape(a.date)}</td><td>${escape(a.fundName)}</td><td class="num">${yuan(a.amount)}</td><td data-testid="allocation-reason">${escape(a.reason)}${a.reversed ? "（已冲正）" : ""}</td></tr>`)
    .join("\n");
}

/** Renders the statement as a complete HTML page. */
export function renderStatementPage(statement: ResolutionStatement, options: StatementPageOptions): string {
  const { beneficiary } = statement;
  // The layers that paid; charity is the entitlement, shown against the allocations below.
  const tiers = TIERS.filter((tier) => tier !== "charity");
  const totals = tiers.map((tier) => `<td class="num">${yuan(statement.tierTotals.find((t) => t.tier === tier)!.amount)}</td>`).join("");
  const issuer = options.issuer ? escape(options.issuer) : "";
  const categories = beneficiary.categories.length ? beneficiary.categories.map(escape).join("、") : "普通参保人员";

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>高额医疗费用化解清单 ${escape(beneficiary.id)} ${statement.year}</title>
<style>
  @page { size: A4; margin: 15mm 12mm; }
  body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", serif; font-size: 10.5pt; color: #000; max-width: 186mm; margin: 0 auto; }
  h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
  .issuer { text-align: center; font-size: 11pt; margin: 0 0 1mm; }
  .serial { text-align: right; font-size: 9.5pt; margin: 0 0 3mm; }
  h2 { font-size: 11.5pt; margin: 5mm 0 2mm; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
  th, td { border: 0.3mm solid #000; padding: 1mm 1.5mm; }
  th { background: #eee; font-weight: 600; }
  tr { break-inside: avoid; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.why { font-size: 9pt; }
  .clause { font-size: 8.5pt; color: #333; }
  tr.reversed td { text-decoration: line-through; color: #555; }
  .meta td { border: none; padding: 0.5mm 1mm; }
  .summary td:first-child { width: 60%; }
  .closing { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 8mm; break-inside: avoid; }
  .signatures p { margin: 6mm 0 0; }
  .seal { width: 42mm; height: 42mm; border: 0.4mm dashed #888; border-radius: 50%; display: flex; align-items: center; justify-content: center; text-align: center; color: #666; font-size: 9pt; }
  .blank { display: inline-block; min-width: 40mm; border-bottom: 0.3mm solid #000; }
  .noprint { margin: 4mm 0; }
  @media print { .noprint { display: none; } }
</style>
</head>
<body>
<div class="noprint"><button type="button" onclick="window.print()">打印 / 另存为 PDF</button></div>
<h1>${escape(beneficiary.jurisdictionName)}困难群众高额医疗费用化解清单</h1>
<p class="issuer">出具单位：<span data-testid="issuer">${issuer || '<span class="blank"></span>'}</span></p>
<p class="serial">编号：<span data-testid="serial">${escape(statement.serial)}</span></p>
<table class="meta">
  <tr><td>姓名：<span data-testid="name">${escape(beneficiary.name)}</span></td><td>人员编号：${escape(beneficiary.id)}</td></tr>
  <tr><td>身份证号：${escape(beneficiary.nationalId ?? "—")}</td><td>乡镇（街道）：${escape(beneficiary.township ?? "—")}</td></tr>
  <tr><td>救助身份：<span data-testid="categories">${categories}</span></td><td>年度：<span data-testid="year">${statement.year}</span></td></tr>
  <tr><td colspan="2">打印时间：${escape(options.printedAt)}</td></tr>
</table>

<h2>一、医疗费用及各重保障支付（元）</h2>
<table>
  <thead><tr><th>就诊日期</th><th>类别</th><th>医疗总费用</th><th>基本医保</th><th>大病保险</th><th>医疗救助</th><th>再救助</th><th>商业补充保险</th><th>四重保障后自负</th></tr></thead>
  <tbody>
${claimRows(statement, tiers)}
  </tbody>
  <tfoot><tr><th colspan="2">合计</th><td class="num" data-testid="bill-total">${yuan(statement.billTotal)}</td>${totals}<td class="num" data-testid="self-pay-before-charity">${yuan(statement.selfPayBeforeCharity)}</td></tr></tfoot>
</table>

<h2>二、慈善医疗救助共富基金化解</h2>
<table>
  <thead><tr><th>日期</th><th>基金</th><th>化解金额</th><th>备注</th></tr></thead>
  <tbody>
${allocationRows(statement)}
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
  <thead><tr><th>就诊日期</th><th>保障层</th><th>金额</th><th>政策及规则</th><th>说明</th></tr></thead>
  <tbody>
${basisRows(statement)}
  </tbody>
</table>

<div class="closing">
  <div class="signatures">
    <p>经办人签字：<span class="blank"></span></p>
    <p>村（居）协管员签字：<span class="blank"></span></p>
    <p>家庭代表签收：<span class="blank"></span></p>
    <p>日期：<span class="blank"></span></p>
  </div>
  <div class="seal" data-testid="seal">${issuer ? `${issuer}<br>` : ""}（盖章）</div>
</div>
</body>
</html>
`;
}
