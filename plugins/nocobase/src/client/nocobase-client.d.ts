/**
 * The parts of NocoBase's client (@nocobase/client 2.x, and React, which it provides) that the
 * plugin's entry uses. @nocobase/client 2.x cannot be installed here (it depends on
 * @nocobase/client-v2 and @nocobase/flow-engine, which the registry lacks), so the entry is checked
 * against these declarations; delete this file where the real package is installed.
 */
declare module "@nocobase/client" {
  export class Plugin {
    options?: { name?: string };
    app: {
      apiClient: { request(options: unknown): Promise<{ data: { data?: unknown } }> };
      i18n: { t(key: string, options: { ns: string }): string };
      pluginSettingsManager: { add(name: string, options: { title: string; icon: string; Component: unknown; aclSnippet?: string }): void };
      router: { add(name: string, options: { path: string; Component: unknown }): void };
    };
    load(): Promise<void>;
  }
}

declare module "react" {
  const React: {
    useRef<T>(initial: T | null): { current: T | null };
    useEffect(effect: () => void, deps: unknown[]): void;
    createElement(type: string, props: Record<string, unknown>): unknown;
  };
  export default React;
}
