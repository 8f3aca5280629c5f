/**
 * The plugin as an administrator installs it: the tarball `npm pack` makes (with its bundled
 * dependencies and rule packs, and without the tests) added to a running NocoBase app with `pm add`
 * — what NocoBase's plugin manager runs for an uploaded file — and enabled with `pm enable`; the
 * plugin then creates its tables and settles a shared scenario.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { PLUGIN_DIR, ROOT_ACCOUNT, startNocoBase, type TestNocoBase } from "./support/nocobase";
import { caseValues, expectedWriteBack, sharedScenario, writtenBack } from "./support/scenarios";

const PACKAGE_NAME = "@medassist/plugin-settlement";
/** Where `pm add` links an added plugin so that it can be required by name. */
const LINKED_DIR = path.join(PLUGIN_DIR, "node_modules", ...PACKAGE_NAME.split("/"));

let nocobase: TestNocoBase;
let root: string;
let packDir: string;
let tarball: string;

before(async () => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: PLUGIN_DIR, encoding: "utf8" })) as Array<{ filename: string }>;
  tarball = path.join(packDir, packed[0].filename);
  fs.rmSync(LINKED_DIR, { recursive: true, force: true });
  nocobase = await startNocoBase(null, "sqlite-file");
  root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
});

after(async () => {
  await nocobase?.stop();
  fs.rmSync(LINKED_DIR, { recursive: true, force: true });
  fs.rmSync(packDir, { recursive: true, force: true });
});

describe("the packed plugin", () => {
  test("carries its server code, the rule packs and its dependencies, and no tests", () => {
    const listing = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const file of ["server.js", "package.json", "README.md", "rules-json/liaocheng.json", "schema/rule-pack.schema.json", "node_modules/decimal.js/package.json", "node_modules/json-rules-engine/package.json", "node_modules/ajv/package.json"]) {
      assert.ok(listing.includes(`package/${file}`), `${file} is in the package`);
    }
    assert.deepEqual(listing.filter((file) => file.startsWith("package/dist/") && file.includes("/test/")), []);
  });

  test("is added and enabled in a running NocoBase app as an administrator does, and settles cases", async () => {
    const before = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: 1 } });
    assert.equal(before.status, 404, "no settlement action before the plugin is enabled");

    await nocobase.command("pm", "add", tarball);
    await nocobase.command("pm", "enable", PACKAGE_NAME);
    assert.equal(fs.realpathSync(require.resolve(PACKAGE_NAME, { paths: [PLUGIN_DIR] })).includes(`${path.sep}storage${path.sep}`), true, "the plugin runs from NocoBase's storage");

    const scenario = sharedScenario("liaocheng-dibao-two-claims.json");
    for (const claim of scenario.claims) {
      const created = await nocobase.api("POST", "medassistCases:create", { token: root, body: caseValues(scenario, claim, "PKG-LC-002") });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const settled = await nocobase.api("POST", "settlement:settle", { token: root, query: { filterByTk: created.body.data.id } });
      assert.equal(settled.status, 200, JSON.stringify(settled.body));
      const record = (await nocobase.api("GET", "medassistCases:get", { token: root, query: { filterByTk: created.body.data.id } })).body.data;
      assert.deepEqual(writtenBack(record), expectedWriteBack(claim));
    }
  });
});
