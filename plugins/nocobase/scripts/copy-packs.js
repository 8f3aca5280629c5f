// Copies the rule packs and their JSON Schema into the plugin package, so that an installed plugin
// (which has no repository around it) settles with the same packs the gateway ships.
const fs = require("node:fs");
const path = require("node:path");

const pluginDir = path.resolve(__dirname, "..");
const repositoryDir = path.resolve(pluginDir, "..", "..");
const copies = [
  { from: path.join(repositoryDir, "rules-json"), to: path.join(pluginDir, "rules-json"), match: (name) => name.endsWith(".json") },
  { from: path.join(repositoryDir, "schema"), to: path.join(pluginDir, "schema"), match: (name) => name === "rule-pack.schema.json" },
];
for (const { from, to, match } of copies) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from).filter(match)) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
