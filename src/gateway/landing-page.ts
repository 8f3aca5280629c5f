/**
 * The page at `/`: a self-contained form to try queries with an API key (no CDN: offices often run
 * without internet access).
 */
export const LANDING_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>医保纾困 GraphQL gateway</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem; max-width: 72rem; color: #222; }
  textarea, input { width: 100%; font-family: ui-monospace, monospace; font-size: 0.9rem; box-sizing: border-box; }
  textarea { height: 16rem; }
  pre { background: #f5f5f5; padding: 1rem; overflow: auto; max-height: 32rem; }
  button { font-size: 1rem; padding: 0.4rem 1.2rem; margin-top: 0.5rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
</style>
</head>
<body>
<h1>医保纾困 settlement gateway</h1>
<p>Send GraphQL to <code>POST /graphql</code> with <code>Authorization: Bearer &lt;key&gt;</code>. The schema is in
<code>schema/schema.graphql</code>. Try a query below with the key printed when the gateway started.</p>
<label for="key">API key</label>
<input id="key" type="password" placeholder="mak_…" autocomplete="off">
<label for="query">Query</label>
<textarea id="query">{
  beneficiaries(first: 3, filter: { jurisdiction: "liaocheng" }) {
    edges { node { id jurisdiction name identities { category from to }
      claims { id date fees { total policyScope }
        settlement { packId packVersion category selfPay
          lines { tier amount ruleId clause reason } } } } }
    pageInfo { hasNextPage endCursor }
  }
}</textarea>
<label for="variables">Variables (JSON)</label>
<input id="variables" value="{}">
<button id="run" type="button">Run</button>
<pre id="result" aria-live="polite"></pre>
<script>
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
