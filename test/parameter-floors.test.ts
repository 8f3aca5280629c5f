/**
 * 东至 二(五): 特困、低保 "按不低于70%的比例救助". The pack declares the floor on the ratio the
 * prefecture sets; a version or an override below it is refused as INVALID_PACK naming the parameter.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compilePack } from "../src/engine/compiled-pack";
import { DomainError } from "../src/lib/errors";
import { projectPath } from "../src/lib/project";
import { distScript, runToEnd } from "./support/processes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-floors-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function dongzhi(): any {
  return JSON.parse(fs.readFileSync(projectPath("rules-json", "dongzhi.json"), "utf8"));
}

async function refusal(build: () => Promise<unknown>): Promise<DomainError> {
  try {
    await build();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("a parameter's floor (东至 二(五))", () => {
  it("refuses a pack version whose ratio is below 70%, naming the parameter; accepts 70%", async () => {
    const below = dongzhi();
    below.parameters.assistanceDestituteDibaoRatio.value = "0.65";
    const error = await refusal(() => compilePack(below, "dongzhi-below"));
    expect(error.code).toBe("INVALID_PACK");
    expect(error.details).toEqual(["parameters.assistanceDestituteDibaoRatio: 0.65 from 0000-01-01 is below its floor assistanceDestituteDibaoMinimumRatio = 0.7"]);
    const atFloor = dongzhi();
    atFloor.parameters.assistanceDestituteDibaoRatio.value = "0.70";
    await expect(compilePack(atFloor, "dongzhi-at-floor")).resolves.toBeDefined();
  });

  it("refuses a dated value that falls below the floor from its date", async () => {
    const dated = dongzhi();
    delete dated.parameters.assistanceDestituteDibaoRatio.value;
    dated.parameters.assistanceDestituteDibaoRatio.values = [{ from: "2022-01-01", value: "0.80" }, { from: "2024-01-01", value: "0.60" }];
    const error = await refusal(() => compilePack(dated, "dongzhi-dated"));
    expect(error.details).toEqual(["parameters.assistanceDestituteDibaoRatio: 0.6 from 2024-01-01 is below its floor assistanceDestituteDibaoMinimumRatio = 0.7"]);
  });

  it("refuses an override (a scenario's parameters) below the floor, and one that lowers nothing is kept", async () => {
    const pack = await compilePack(dongzhi(), "dongzhi");
    const error = await refusal(async () => pack.withParameters({ assistanceDestituteDibaoRatio: "0.50" }));
    expect(error.code).toBe("INVALID_PACK");
    expect(error.field).toBe("parameters");
    expect(error.details.join("\n")).toContain("parameters.assistanceDestituteDibaoRatio: 0.5");
    expect(pack.withParameters({ assistanceDestituteDibaoRatio: "0.85" }).parameters.get("assistanceDestituteDibaoRatio")?.values[0].value?.toString()).toBe("0.85");
  });

  it("refuses a floor that names no parameter of the same unit", async () => {
    const document = dongzhi();
    document.parameters.assistanceDestituteDibaoRatio.floor = { param: "assistanceDestituteDibaoCap" };
    const error = await refusal(() => compilePack(document, "dongzhi-floor-unit"));
    expect(error.details).toEqual(['parameters.assistanceDestituteDibaoRatio.floor: "assistanceDestituteDibaoCap" is not a parameter of the same unit']);
  });

  it("`rules validate` refuses the file and names the parameter", async () => {
    const document = dongzhi();
    document.parameters.assistanceDestituteDibaoRatio.value = "0.65";
    const file = path.join(dir, "dongzhi-below.json");
    fs.writeFileSync(file, JSON.stringify(document, null, 2));
    const result = await runToEnd(distScript("rules"), ["validate", file], {});
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("parameters.assistanceDestituteDibaoRatio: 0.65 from 0000-01-01 is below its floor");
    const ok = await runToEnd(distScript("rules"), ["validate", projectPath("rules-json", "dongzhi.json")], {});
    expect(ok.code).toBe(0);
  });
});
