/**
 * The README's table of decisions is generated from the packs: a decision added to or changed in a
 * pack must appear there, so that no reader takes a decision for a quotation of the text.
 */
import * as fs from "node:fs";
import { projectPath } from "../src/lib/project";
import { packDecisions, shippedDecisionsTable } from "../src/rules/decisions";
import type { RulePackDocument } from "../src/engine/pack-document";

it("the README lists every decision of the shipped packs, as generated", () => {
  const readme = fs.readFileSync(projectPath("README.md"), "utf8");
  const inReadme = /<!-- decisions:start -->\n([\s\S]*?)\n<!-- decisions:end -->/.exec(readme)?.[1];
  expect(inReadme).toBe(shippedDecisionsTable());
});

it("the charity fund order of 乐清 is the federation's decision, not a quotation of 三(三)11", () => {
  const yueqing = JSON.parse(fs.readFileSync(projectPath("rules-json", "yueqing.json"), "utf8")) as RulePackDocument;
  const fundOrder = packDecisions(yueqing).filter((d) => d.where.startsWith("charityFunding"));
  expect(fundOrder.map((d) => [d.where, d.by])).toEqual([
    ["charityFunding.rules[yq-fund-order-township-first]", "federation"],
    ["charityFunding.rules[yq-fund-order-city]", "federation"],
  ]);
});
