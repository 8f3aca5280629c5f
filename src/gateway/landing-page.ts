/**
 * The page at `/`, for people first: what the service is (Chinese, English on request), where the
 * charity office signs in, how a household's 化解清单 is found, and for engineers a self-contained
 * form to try GraphQL queries with an API key (no CDN: offices often run without internet access).
 */
export const LANDING_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>医保纾困 · 困难群众高额医疗费用化解</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; line-height: 1.6; }
  textarea, input { width: 100%; font-family: ui-monospace, monospace; font-size: 0.9rem; box-sizing: border-box; }
  textarea { height: 16rem; }
  pre { background: #f5f5f5; padding: 1rem; overflow: auto; max-height: 32rem; }
  button { font-size: 1rem; padding: 0.4rem 1.2rem; margin-top: 0.5rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 1rem; }
  .card a { font-weight: 600; }
  #lang { float: right; }
  body:not(.en) [lang="en"], body.en [lang="zh-CN"] { display: none; }
</style>
</head>
<body>
<button id="lang" type="button">English / 中文</button>
<h1><span lang="zh-CN">医保纾困 · 困难群众高额医疗费用化解</span><span lang="en">Medical-bill relief for low-income households</span></h1>
<p lang="zh-CN">困难群众看病，先由基本医保、大病保险、医疗救助、再救助和商业补充保险按各地政策逐层支付；一年内个人自负仍超过 5 万元的部分，由慈善医疗救助共富基金化解。本服务按各地政策文件逐条计算每一层支付了多少、依据哪一条，并为每户出具化解清单。</p>
<p lang="en">A household's medical bills are paid layer by layer under each city's own policy — basic insurance, critical-illness insurance, medical assistance, re-assistance and supplementary commercial insurance — and what it still pays in a year above 50,000 yuan is resolved by charity funds. This service computes what each layer pays and under which clause, and issues each household its resolution statement (化解清单).</p>
<div class="cards">
  <div class="card"><a href="/charity"><span lang="zh-CN">慈善总会工作台</span><span lang="en">Charity office</span></a>
    <p lang="zh-CN">待化解对象、按基金顺序化解、基金余额与收支图表、台账导出（需 CHARITY 或 ADMIN 密钥登录）。</p>
    <p lang="en">Households waiting for a top-up, allocation in the policy's fund order, fund charts and ledger exports (sign in with a CHARITY or ADMIN key).</p></div>
  <div class="card"><a href="/charity#entitlements"><span lang="zh-CN">化解清单查询</span><span lang="en">Resolution statements</span></a>
    <p lang="zh-CN">在工作台按姓名或人员编号查询，点“化解清单”生成限时链接，可打印或另存为 PDF 交给群众。</p>
    <p lang="en">Find a household by name or id on the charity page; “化解清单” opens a signed, short-lived link to print or save as PDF.</p></div>
  <div class="card"><a href="#console"><span lang="zh-CN">工程师：GraphQL 控制台</span><span lang="en">Engineers: GraphQL console</span></a>
    <p lang="zh-CN">合作系统以 API 密钥调用 <code>POST /graphql</code>（模式见 <code>schema/schema.graphql</code>）或 <code>/api</code>。</p>
    <p lang="en">Partner systems call <code>POST /graphql</code> (schema in <code>schema/schema.graphql</code>) or <code>/api</code> with an API key.</p></div>
</div>
<h2 id="console">GraphQL</h2>
<p>Send GraphQL to <code>POST /graphql</code> with <code>Authorization: Bearer &lt;key&gt;</code>. Try a query below with the key printed when the gateway started.</p>
<label for="key">API key</label>
<input id="key" type="password" placeholder="mak_…" autocomplete="off">
<label for="query">Query</label>
<textarea id="query">{
  beneficiaries(first: 3, filter: { jurisdiction: "liaocheng" }) {
    edges { node { id jurisdiction name identities { category from to }
      claims { id date fees { total policyScope }
        settlement { packId packVersion category selfPay
          lines { tier amount clause explanation } } } } }
    pageInfo { hasNextPage endCursor }
  }
}</textarea>
<label for="variables">Variables (JSON)</label>
<input id="variables" value="{}">
<button id="run" type="button">Run</button>
<pre id="result" aria-live="polite"></pre>
<script>
  document.getElementById("lang").addEventListener("click", () => document.body.classList.toggle("en"));
  const keyInput = document.getElementById("key");
  keyInput.value = sessionStorage.getItem("medassist-key") || "";
  document.getElementById("run").addEventListener("click", async () => {
    sessionStorage.setItem("medassist-key", keyInput.value);
    const out = document.getElementById("result");
    out.textContent = "…";
    let variables = {};
    try { variables = JSON.parse(document.getElementById("variables").value || "{}"); }
    catch (e) { out.textContent = "Variables are not JSON: " + e.message; return; }
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + keyInput.value.trim() },
      body: JSON.stringify({ query: document.getElementById("query").value, variables }),
    });
    out.textContent = "HTTP " + response.status + "\\n" + JSON.stringify(await response.json(), null, 2);
    out.dataset.status = String(response.status);
  });
</script>
</body>
</html>
`;
