/**
 * The charity office's page at /charity (Chinese): the sign-in form, and the page itself —
 * entitlements with filters, allocation with a confirmation of the fund-order plan, the funds'
 * charts (ECharts, served by the gateway from node_modules) and the exports. Its script talks to
 * /charity/data/* with the session cookie and the CSRF token.
 */
import { escapeHtml } from "./html";

const STYLE = `
  body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #222; background: #f6f7f9; }
  header { background: #8b1a1a; color: #fff; padding: 0.8rem 1.5rem; display: flex; justify-content: space-between; align-items: center; }
  header h1 { font-size: 1.2rem; margin: 0; }
  main { padding: 1rem 1.5rem; max-width: 80rem; }
  section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
  h2 { font-size: 1.05rem; margin: 0 0 0.8rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { border-bottom: 1px solid #e3e3e3; padding: 0.35rem 0.5rem; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .filters { display: flex; gap: 0.8rem; flex-wrap: wrap; margin-bottom: 0.8rem; align-items: end; }
  .filters label { display: flex; flex-direction: column; font-size: 0.85rem; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  .chart { height: 300px; }
  dialog { border: 1px solid #888; border-radius: 6px; min-width: 28rem; }
  .error { color: #b00020; }
  button { cursor: pointer; }
`;

/** The sign-in form; `problem` is shown above it after a refused key. */
export function renderCharityLogin(problem: string | null): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>慈善总会 · 登录</title><style>${STYLE} form { max-width: 24rem; } input { width: 100%; }</style></head>
<body><header><h1>慈善医疗救助共富基金 · 工作台</h1></header>
<main><section>
<h2>登录 / Sign in</h2>
<p>请输入慈善总会（CHARITY）或管理员（ADMIN）密钥。密钥只保存在服务器端会话中。</p>
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ""}
<form method="post" action="/charity/login">
  <label for="key">API 密钥 / key</label>
  <input id="key" name="key" type="password" autocomplete="off" required>
  <p><button type="submit">登录</button></p>
</form>
</section></main></body></html>`;
}

/** The page for a signed-in charity office; `csrf` goes back with every POST. */
export function renderCharityPage(role: string, csrf: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="csrf-token" content="${escapeHtml(csrf)}">
<title>慈善医疗救助共富基金 · 工作台</title><style>${STYLE}</style>
<script src="/assets/echarts.min.js"></script></head>
<body>
<header><h1>慈善医疗救助共富基金 · 工作台</h1>
<form method="post" action="/charity/logout" id="logout"><span>${escapeHtml(role)}</span> <button type="submit">退出</button></form></header>
<main>
<section>
<h2>待化解对象</h2>
<div class="filters">
  <label>状态<select id="f-status"><option value="OPEN,PARTIAL">待化解、部分化解</option><option value="">全部</option><option value="RESOLVED">已化解</option><option value="OVER_ALLOCATED">超额化解</option></select></label>
  <label>辖区<input id="f-jurisdiction" placeholder="如 yueqing"></label>
  <label>年度<input id="f-year" size="6" placeholder="如 2024"></label>
  <label>姓名或编号<input id="f-search"></label>
  <button id="f-apply" type="button">查询</button>
</div>
<table id="entitlements"><thead><tr><th>姓名</th><th>人员编号</th><th>辖区</th><th>乡镇</th><th>年度</th><th class="num">应化解（元）</th><th class="num">已化解（元）</th><th class="num">缺口（元）</th><th>状态</th><th></th></tr></thead><tbody></tbody></table>
<p id="message" role="status"></p>
</section>
<section>
<h2>基金</h2>
<table id="funds"><thead><tr><th>基金</th><th>级别</th><th>辖区</th><th class="num">余额（元）</th></tr></thead><tbody></tbody></table>
<div class="charts"><div><h2>余额变化</h2><div id="chart-balance" class="chart"></div></div><div><h2>收入与化解（按月）</h2><div id="chart-flows" class="chart"></div></div></div>
</section>
<section>
<h2>导出</h2>
<p>基金台账 <a href="/charity/export/ledger.xlsx">Excel</a> · <a href="/charity/export/ledger.csv">CSV</a>；
化解对象 <a href="/charity/export/entitlements.xlsx">Excel</a> · <a href="/charity/export/entitlements.csv">CSV</a>；
结算明细 <a href="/charity/export/settlements.xlsx">Excel</a> · <a href="/charity/export/settlements.csv">CSV</a></p>
</section>
</main>
<dialog id="confirm"><h2>确认化解</h2><p id="plan-who"></p>
<table id="plan"><thead><tr><th>基金</th><th class="num">余额（元）</th><th class="num">本次化解（元）</th></tr></thead><tbody></tbody></table>
<p>尚有缺口：<strong id="plan-shortfall"></strong> 元</p><p id="plan-rule"></p>
<label>事由 <input id="plan-reason" value="慈善医疗救助化解"></label>
<p><button id="plan-ok" type="button">确认化解</button> <button id="plan-cancel" type="button">取消</button></p></dialog>
<script>${CLIENT_SCRIPT}</script>
</body></html>`;
}

// Amounts arrive as strings with two decimals and are shown with thousands separators, never
// passed through a binary number.
const CLIENT_SCRIPT = `
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const yuan = (text) => { const [w, f] = text.split("."); return w.replace(/\\B(?=(\\d{3})+$)/g, ",") + "." + f; };
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const post = (url, body) => fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) });
document.getElementById("logout").addEventListener("submit", async (event) => { event.preventDefault(); await post("/charity/logout", {}); location.href = "/charity"; });

async function loadEntitlements() {
  const q = new URLSearchParams({ status: document.getElementById("f-status").value, jurisdiction: document.getElementById("f-jurisdiction").value.trim(), year: document.getElementById("f-year").value.trim(), search: document.getElementById("f-search").value.trim() });
  const response = await fetch("/charity/data/entitlements?" + q);
  const body = await response.json();
  const tbody = document.querySelector("#entitlements tbody");
  tbody.replaceChildren();
  if (!response.ok) { document.getElementById("message").textContent = body.error.message; return; }
  for (const row of body.rows) {
    const tr = el("tr"); tr.dataset.entitlement = row.id;
    tr.append(el("td", row.name), el("td", row.beneficiaryId), el("td", row.jurisdiction), el("td", row.township), el("td", String(row.year)));
    for (const k of ["owed", "allocated", "shortfall"]) { const td = el("td", yuan(row[k]), "num"); td.dataset.field = k; tr.append(td); }
    tr.append(el("td", row.statusName));
    const actions = el("td");
    if (row.shortfall !== "0.00") { const b = el("button", "化解"); b.type = "button"; b.className = "allocate"; b.onclick = () => confirmAllocation(row); actions.append(b, " "); }
    const s = el("button", "化解清单"); s.type = "button"; s.className = "statement"; s.onclick = () => openStatement(row); actions.append(s);
    tr.append(actions); tbody.append(tr);
  }
}

let pending = null;
async function confirmAllocation(row) {
  const response = await fetch("/charity/data/plan?entitlementId=" + encodeURIComponent(row.id));
  const plan = await response.json();
  const message = document.getElementById("message");
  if (!response.ok) { message.textContent = plan.error.message; return; }
  document.getElementById("plan-who").textContent = row.name + "（" + row.beneficiaryId + "）" + row.year + " 年，尚需化解 " + yuan(plan.need) + " 元";
  const tbody = document.querySelector("#plan tbody"); tbody.replaceChildren();
  for (const part of plan.parts) { const tr = el("tr"); tr.dataset.fund = part.fundId; tr.append(el("td", part.fundName), el("td", yuan(part.balance), "num"), el("td", yuan(part.amount), "num")); tbody.append(tr); }
  document.getElementById("plan-shortfall").textContent = yuan(plan.shortfall);
  document.getElementById("plan-rule").textContent = plan.fundOrderClause ? "基金顺序依据：" + plan.fundOrderClause : "";
  pending = { entitlementId: row.id, requestId: "page-" + crypto.randomUUID() };
  document.getElementById("confirm").showModal();
}
document.getElementById("plan-cancel").onclick = () => { pending = null; document.getElementById("confirm").close(); };
document.getElementById("plan-ok").onclick = async () => {
  const response = await post("/charity/allocate", { ...pending, reason: document.getElementById("plan-reason").value });
  const body = await response.json();
  document.getElementById("confirm").close();
  document.getElementById("message").textContent = response.ok ? "已化解 " + yuan(body.allocated) + " 元，缺口 " + yuan(body.shortfall) + " 元" : body.error.message;
  await Promise.all([loadEntitlements(), loadFunds()]);
};

async function openStatement(row) {
  const response = await post("/charity/statement-link", { entitlementId: row.id });
  const body = await response.json();
  if (!response.ok) { document.getElementById("message").textContent = body.error.message; return; }
  window.open(body.link, "_blank", "noopener");
}

async function loadFunds() {
  const funds = (await (await fetch("/charity/data/funds")).json()).funds;
  const tbody = document.querySelector("#funds tbody"); tbody.replaceChildren();
  for (const f of funds) { const tr = el("tr"); tr.dataset.fund = f.id; tr.append(el("td", f.name), el("td", f.kind === "CITY" ? "市级" : "乡镇 " + (f.township || "")), el("td", f.jurisdiction), el("td", yuan(f.balance), "num")); tbody.append(tr); }
  if (!window.echarts) return;
  const balance = echarts.getInstanceByDom(document.getElementById("chart-balance")) || echarts.init(document.getElementById("chart-balance"));
  balance.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "time" }, yAxis: { type: "value", name: "元" },
    series: funds.map((f) => ({ id: f.id, name: f.name, type: "line", step: "end", data: f.balanceSeries })) }, true);
  const months = [...new Set(funds.flatMap((f) => f.monthly.map((m) => m.month)))].sort();
  const at = (f, month, key) => (f.monthly.find((m) => m.month === month) || { [key]: "0.00" })[key];
  const flows = echarts.getInstanceByDom(document.getElementById("chart-flows")) || echarts.init(document.getElementById("chart-flows"));
  flows.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "category", data: months }, yAxis: { type: "value", name: "元" },
    series: funds.flatMap((f) => [
      { id: f.id + ":income", name: f.name + " 收入", type: "bar", data: months.map((m) => at(f, m, "income")) },
      { id: f.id + ":allocations", name: f.name + " 化解", type: "bar", data: months.map((m) => at(f, m, "allocations")) },
    ]) }, true);
}

document.getElementById("f-apply").onclick = loadEntitlements;
loadEntitlements(); loadFunds();
`;
