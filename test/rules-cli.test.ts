/**
 * The tools for pack writers: `rules validate` checks a file as publishing would, `rules diff`
 * says which parameters, rules and citations changed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectPath } from "../src/lib/project";
import { distScript, runToEnd } from "./support/processes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-rules-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function variant(name: string, change: (document: any) => void): string {
  const document = JSON.parse(fs.readFileSync(projectPath("rules-json", "liaocheng.json"), "utf8"));
  change(document);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

it("validates a shipped pack, and refuses one that breaks its scenarios or its references", async () => {
  const ok = await runToEnd(distScript("rules"), ["validate", projectPath("rules-json", "liaocheng.json")], {});
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/liaocheng v1 is valid; \d+ scenario checks pass/);
  const changed = await runToEnd(distScript("rules"), ["validate", variant("ratio.json", (d) => (d.parameters.assistanceDibaoRatio.value = "0.75"))], {});
  expect(changed.code).toBe(1);
  expect(changed.stdout).toMatch(/FAIL liaocheng-dibao-single\.json LC-001-1: assistance expected 14000\.00 got 15000\.00/);
  const broken = await runToEnd(distScript("rules"), ["validate", variant("broken.json", (d) => (d.tiers.reassistance.rules[0].event.params.cap = { param: "nope" }))], {});
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain('tiers.reassistance.rules[0].event.params.cap: parameter "nope" is not declared');
});

it("lists what changed between two versions", async () => {
  const next = variant("next.json", (d) => {
    d.version = 2;
    d.parameters.assistanceDibaoRatio.value = "0.75";
    d.parameters.assistanceDibaoRatio.source.clause = "三(四)1 (2024 修订)";
    d.tiers.assistance.rules = d.tiers.assistance.rules.filter((r: { name: string }) => r.name !== "lc-assistance-children");
  });
  const diff = await runToEnd(distScript("rules"), ["diff", projectPath("rules-json", "liaocheng.json"), next], {});
  expect(diff.code).toBe(0);
  expect(diff.stdout.split("\n")).toEqual(
    expect.arrayContaining([
      "version: 1 → 2",
      'parameter assistanceDibaoRatio: "0.70" → "0.75" ratio',
      expect.stringMatching(/^parameter assistanceDibaoRatio: citation .*三\(四\)1 \(2024 修订\)/),
      "rule assistance/lc-assistance-children: removed",
      "4 difference(s)",
    ]),
  );
});
