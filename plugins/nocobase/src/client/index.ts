/**
 * The plugin's client entry, as NocoBase's own plugins have it (plugin-action-print,
 * plugin-action-custom-request): a client Plugin whose `load` adds the settings page to NocoBase's
 * plugin settings and the case page to the admin routes. The pages themselves are DOM components
 * (case-page, case-actions, settlement-block, settings-page) mounted into a React element, so that
 * they are tested in Chromium without NocoBase's client bundle (see the README: @nocobase/client
 * 2.x cannot be installed from the registry this repository builds with).
 */
import { Plugin } from "@nocobase/client";
import React from "react";
import { mountCasePage } from "./case-page";
import { NAMESPACE, type Translate } from "./locale";
import { mountSettingsPage } from "./settings-page";
import { SettlementApi, type ApiRequest } from "./settlement-api";

type Mount = (container: HTMLElement, api: SettlementApi, t: Translate) => Promise<void>;

/** A React component that mounts a DOM page once into its element. */
function domComponent(mount: Mount, api: SettlementApi, t: Translate) {
  return function SettlementPage() {
    const ref = React.useRef<HTMLDivElement>(null);
    React.useEffect(() => {
      if (ref.current) void mount(ref.current, api, t);
    }, []);
    return React.createElement("div", { ref, className: "medassist-settlement" });
  };
}

export class PluginSettlementClient extends Plugin {
  override async load(): Promise<void> {
    const api = new SettlementApi(((options) => this.app.apiClient.request(options)) as ApiRequest);
    const t: Translate = (key) => this.app.i18n.t(key, { ns: NAMESPACE });
    this.app.pluginSettingsManager.add("medassist-settlement", {
      title: t("Medical assistance settlement"),
      icon: "MedicineBoxOutlined",
      Component: domComponent(mountSettingsPage, api, t),
      // The server registers the settings actions under this plugin's snippet.
      aclSnippet: `pm.${this.options?.name ?? NAMESPACE}`,
    });
    // The case page comes with the plugin: installing it is enough to have one.
    this.app.router.add("admin.medassist-cases", { path: "/admin/medassist-cases", Component: domComponent(mountCasePage, api, t) });
  }
}

export default PluginSettlementClient;
