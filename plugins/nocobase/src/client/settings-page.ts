/**
 * The plugin's settings page (NocoBase's plugin settings, administrators only): library or gateway
 * mode, the gateway URL and key. The key is write-only: the page shows whether one is set and sends
 * a new one only when typed. Saved settings apply from the next request, without a restart.
 */
import { el } from "./dom";
import type { Translate } from "./locale";
import { renderRefusal } from "./settlement-block";
import type { SettingsView, SettlementApi } from "./settlement-api";

function modeChoice(name: string, value: string, label: string, checked: boolean): HTMLLabelElement {
  const input = el("input", { type: "radio", name, value });
  input.checked = checked;
  return el("label", {}, input, label);
}

export async function mountSettingsPage(container: HTMLElement, api: SettlementApi, t: Translate): Promise<void> {
  const show = (settings: SettingsView, message?: string) => {
    const url = el("input", { type: "url", name: "gatewayUrl", value: settings.gatewayUrl ?? "" });
    const key = el("input", { type: "password", name: "gatewayKey", autocomplete: "new-password", placeholder: settings.gatewayKeySet ? t("A key is set; leave empty to keep it") : t("No key set") });
    const status = el("p", { class: "status", role: "status" }, message ?? "", ` ${t("Values in force come from")}：${settings.source === "settings" ? t("the settings page") : t("NocoBase's environment (.env)")}`);
    const form = el(
      "form",
      { class: "settlement-settings" },
      el("fieldset", {}, el("legend", {}, t("Mode")), modeChoice("mode", "library", t("Library mode"), settings.mode === "library"), modeChoice("mode", "gateway", t("Gateway mode"), settings.mode === "gateway")),
      el("label", {}, t("Gateway URL"), url),
      el("label", {}, t("Gateway key"), key),
      el("button", { type: "submit" }, t("Save")),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const mode = (form.querySelector("input[name=mode]:checked") as HTMLInputElement | null)?.value ?? settings.mode;
      try {
        show(await api.saveSettings({ mode, gatewayUrl: url.value, gatewayKey: key.value }), t("Saved; in force from the next request"));
      } catch (error) {
        renderRefusal(status, error as { code?: string; field?: string; message: string }, t);
      }
    });
    container.replaceChildren(el("h2", {}, t("Settings")), form);
  };
  show(await api.settings());
}
