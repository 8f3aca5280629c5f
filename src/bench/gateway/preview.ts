/**
 * The preview phase: `previewRulePack` of a new 聊城 version over every stored household, timed
 * over HTTP. The version is the pack file's own rules under the next version number, so that the
 * jurisdiction's scenarios pass and publishing it is allowed; the preview replays every household's
 * year all the same, which is what it costs.
 */
import * as fs from "node:fs";
import { projectPath } from "../../lib/project";
import { monotonicMicros } from "./load";
import { post } from "./operations";
import { BENCH_JURISDICTION } from "./setup";

export interface PreviewResult {
  households: number;
  seconds: number;
  householdsPerSecond: number;
}

const PUBLISH = "mutation ($document: JSONObject!) { publishRulePack(document: $document) { pack { version } } }";
const PREVIEW = "query ($id: String!, $version: Int!) { previewRulePack(id: $id, version: $version) { householdsExamined settlementsExamined } }";

export async function runPreview(url: string, key: string): Promise<PreviewResult> {
  const packs = await post(url, key, "{ rulePacks { id version } }");
  if (packs.errors) throw new Error(`rule packs could not be listed: ${packs.errors[0].message}`);
  const versions = (packs.data.rulePacks as Array<{ id: string; version: number }>).filter((pack) => pack.id === BENCH_JURISDICTION).map((pack) => pack.version);
  const document = JSON.parse(fs.readFileSync(projectPath("rules-json", `${BENCH_JURISDICTION}.json`), "utf8"));
  document.version = Math.max(0, ...versions) + 1;
  const published = await post(url, key, PUBLISH, { document });
  if (published.errors) throw new Error(`publishing ${BENCH_JURISDICTION} version ${document.version} failed: ${published.errors[0].message}`);
  const started = monotonicMicros();
  const preview = await post(url, key, PREVIEW, { id: BENCH_JURISDICTION, version: document.version });
  const seconds = (monotonicMicros() - started) / 1e6;
  if (preview.errors) throw new Error(`previewRulePack failed: ${preview.errors[0].message}`);
  const households = preview.data.previewRulePack.householdsExamined as number;
  return { households, seconds, householdsPerSecond: households / seconds };
}
