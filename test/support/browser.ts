/**
 * Headless Chromium for page tests: Debian's `chromium` package, driven by playwright-core (no
 * browser download). Where it is not installed the page tests are skipped with a message, unless
 * REQUIRE_BROWSER=1 (set by .ci/run, which installs it): there they must run.
 */
import * as fs from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function chromiumPath(): string | null {
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? null;
  if (!found && process.env.REQUIRE_BROWSER === "1") throw new Error("REQUIRE_BROWSER=1 but Debian's chromium is not installed");
  return found;
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
