/**
 * ARCHITECTURE.md: Settlements reach Beneficiaries only through a port (the records of a person),
 * and the claim and settlement services do not import each other. Read from the import lines of
 * the settlements' domain code; their GraphQL resolvers and types are left to the subgraph split.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectPath } from "../src/lib/project";

const SETTLEMENTS = ["claim", "settlement", "premium", "warning", "rules"];
/** What settlements may import of the beneficiaries: the port and the lookup over it. */
const PORT = new Set(["beneficiary/beneficiary-source", "beneficiary/beneficiary-lookup"]);

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/^import [^;]*? from "([^"]+)";/gms)].map((m) => path.relative(projectPath("src"), path.resolve(path.dirname(file), m[1])).replace(/\\/g, "/"));
}

const domainFiles = SETTLEMENTS.flatMap((folder) =>
  fs
    .readdirSync(projectPath("src", folder))
    .filter((name) => name.endsWith(".ts") && !/\.(resolver|types)\.ts$/.test(name))
    .map((name) => projectPath("src", folder, name)),
);

describe("settlements and beneficiaries", () => {
  it("settlements' domain code imports of the beneficiaries only the port", () => {
    const crossings = domainFiles.flatMap((file) => importsOf(file).filter((target) => target.startsWith("beneficiary/") && !PORT.has(target)).map((target) => `${path.relative(projectPath(), file)} → ${target}`));
    expect(crossings).toEqual([]);
    // The reading itself works: the settlement service does use the port.
    expect(importsOf(projectPath("src", "settlement", "settlement.service.ts"))).toContain("beneficiary/beneficiary-lookup");
  });

  it("the claim and settlement services do not import each other", () => {
    expect(importsOf(projectPath("src", "claim", "claim.service.ts"))).not.toContain("settlement/settlement.service");
    expect(importsOf(projectPath("src", "settlement", "settlement.service.ts"))).not.toContain("claim/claim.service");
  });
});
