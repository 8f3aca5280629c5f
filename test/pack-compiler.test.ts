/**
 * Building rule packs: a pack that fails the schema, a reference, the precedence list, an
 * unambiguous choice of rule or its own scenarios is refused with every problem listed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compilePack } from "../src/engine/compiled-pack";
import { loadPackDirectory } from "../src/engine/pack-loader";
import { packScenarioCheck } from "../src/scenario/pack-scenarios";
import { DomainError } from "../src/lib/errors";
import { projectPath } from "../src/lib/project";
import { CATEGORIES, NO_CATEGORY } from "../src/engine/vocabulary";

function liaocheng(): any {
  return JSON.parse(fs.readFileSync(projectPath("rules-json", "liaocheng.json"), "utf8"));
}

async function problemsOf(document: unknown): Promise<string[]> {
  try {
    await compilePack(document, "test-pack");
  } catch (error) {
    if (error instanceof DomainError && error.code === "INVALID_PACK") return [...error.details];
    throw error;
  }
  throw new Error("expected the pack to be refused");
}

describe("building a rule pack", () => {
  it("builds every shipped pack, with a decision for every combination of facts", async () => {
    for (const file of fs.readdirSync(projectPath("rules-json"))) {
      const pack = await compilePack(JSON.parse(fs.readFileSync(projectPath("rules-json", file), "utf8")), file);
      expect(pack.tables.assistance?.coveredCombinations).toBeGreaterThan(0);
      expect(pack.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("knows the categories of the one vocabulary in its schema, no more and no fewer", () => {
    const schema = JSON.parse(fs.readFileSync(projectPath("schema", "rule-pack.schema.json"), "utf8"));
    expect(schema.definitions.category.enum).toEqual([...CATEGORIES]);
    expect(schema.definitions.categoryFact.enum).toEqual([...CATEGORIES, NO_CATEGORY]);
  });

  it("refuses a document that fails the schema, naming the field", async () => {
    const document = liaocheng();
    document.version = "one";
    delete document.source.document;
    document.parameters.assistanceDibaoRatio.value = "70%";
    const problems = await problemsOf(document);
    expect(problems.some((p) => p.startsWith("version"))).toBe(true);
    expect(problems.some((p) => p.startsWith("source") && p.includes("document"))).toBe(true);
    expect(problems.some((p) => p.startsWith("parameters.assistanceDibaoRatio"))).toBe(true);
  });

  it("refuses a ratio outside 0..1", async () => {
    const document = liaocheng();
    document.parameters.assistanceDibaoRatio.value = "1.70";
    expect(await problemsOf(document)).toEqual(['parameters.assistanceDibaoRatio: "1.70" is not a ratio between 0 and 1']);
  });

  it("refuses an amount with three decimals", async () => {
    const document = liaocheng();
    document.parameters.assistanceDibaoCap.value = "30000.001";
    expect((await problemsOf(document)).join("\n")).toMatch(/parameters\.assistanceDibaoCap/);
  });

  it("refuses a rule that refers to an undeclared parameter or one of the wrong unit", async () => {
    const document = liaocheng();
    document.tiers.assistance.rules[0].event.params.cap = { param: "noSuchCap" };
    document.tiers.assistance.rules[0].event.params.ratio = { param: "assistanceDibaoCap" };
    const problems = await problemsOf(document);
    expect(problems).toContain('tiers.assistance.rules[0].event.params.cap: parameter "noSuchCap" is not declared');
    expect(problems).toContain('tiers.assistance.rules[0].event.params.ratio: parameter "assistanceDibaoCap" has unit CNY, expected ratio');
  });

  it("refuses a precedence list that leaves out a category, and conditions on categories the pack lacks", async () => {
    const document = liaocheng();
    document.precedence.order = document.precedence.order.filter((c: string) => c !== "MONITORED");
    document.categories = document.categories.filter((c: { id: string }) => c.id !== "ORPHAN");
    document.precedence.order = document.precedence.order.filter((c: string) => c !== "ORPHAN");
    const problems = await problemsOf(document);
    expect(problems).toContain("precedence.order: category MONITORED is missing");
    expect(problems.some((p) => p.includes("category ORPHAN is not a category of the pack"))).toBe(true);
  });

  it("refuses two rules that match the same claim with the same priority", async () => {
    const document = liaocheng();
    const copy = JSON.parse(JSON.stringify(document.tiers.assistance.rules[0]));
    copy.name = "lc-assistance-dibao-copy";
    document.tiers.assistance.rules.push(copy);
    const problems = await problemsOf(document);
    expect(problems.some((p) => p.includes('"lc-assistance-dibao"') && p.includes('"lc-assistance-dibao-copy"') && p.includes("same priority"))).toBe(true);
  });

  it("refuses a rule name used twice and in-force dates that do not exist", async () => {
    const document = liaocheng();
    document.tiers.reassistance.rules[0].name = document.tiers.assistance.rules[0].name;
    document.inForce.from = "2022-02-30";
    const problems = await problemsOf(document);
    expect(problems.some((p) => p.includes("is used twice"))).toBe(true);
    expect(problems).toContain('inForce.from: "2022-02-30" is not a calendar date');
  });

  it("does not load a pack that fails its own scenarios, and loads the others", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "packs-"));
    const changed = liaocheng();
    changed.parameters.assistanceDibaoRatio.value = "0.75";
    fs.writeFileSync(path.join(dir, "liaocheng.json"), JSON.stringify(changed));
    fs.copyFileSync(projectPath("rules-json", "weihai.json"), path.join(dir, "weihai.json"));
    const { registry, refused } = await loadPackDirectory(dir, packScenarioCheck(projectPath("test", "scenarios")));
    expect(registry.ids()).toEqual(["weihai"]);
    expect(refused).toHaveLength(1);
    expect(refused[0].error.code).toBe("INVALID_PACK");
    expect(refused[0].error.details.some((d) => d.startsWith("FAIL") && d.includes("assistance expected"))).toBe(true);
  });
});
