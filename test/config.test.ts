/**
 * The environment is checked once at start, and every bad variable is reported at once.
 */
import { ConfigError, readConfig } from "../src/lib/config";

describe("configuration", () => {
  it("defaults to SQLite under ./data and port 4000", () => {
    const config = readConfig({});
    expect(config.database).toEqual({ kind: "sqlite", location: "./data/gateway.sqlite" });
    expect(config.port).toBe(4000);
  });

  it("reads a MySQL URL", () => {
    expect(readConfig({ DATABASE_URL: "mysql://app:secret@db.internal:3306/medassist" }).database).toEqual({ kind: "mysql", location: "mysql://app:secret@db.internal:3306/medassist" });
  });

  it("tells the embedded default database (demo data allowed) from a given one", () => {
    expect(readConfig({}).embeddedDatabase).toBe(true);
    expect(readConfig({ DATABASE_URL: "sqlite:./data/gateway.sqlite" }).embeddedDatabase).toBe(false);
  });

  it("reads the metrics token (16 characters or more) and the drain period", () => {
    expect(readConfig({}).metricsToken).toBeNull();
    expect(readConfig({ METRICS_TOKEN: "0123456789abcdef", SHUTDOWN_DRAIN_SECONDS: "12" })).toMatchObject({ metricsToken: "0123456789abcdef", shutdownDrainSeconds: 12 });
    expect(() => readConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
  });

  it("lists every bad variable together", () => {
    let caught: unknown;
    try {
      readConfig({ DATABASE_URL: "postgres://x/y", PORT: "eighty", LOG_LEVEL: "loud", MAX_QUERY_DEPTH: "1" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/DATABASE_URL[\s\S]*PORT[\s\S]*MAX_QUERY_DEPTH|DATABASE_URL[\s\S]*LOG_LEVEL/);
    for (const name of ["DATABASE_URL", "PORT", "LOG_LEVEL", "MAX_QUERY_DEPTH"]) expect(problems.some((p) => p.startsWith(name))).toBe(true);
  });
});

describe("bill limits", () => {
  it("defaults to 10 million yuan a bill, 1,000 bills a year and 500 a request", () => {
    const { billLimits } = readConfig({});
    expect([billLimits.maxBillTotal.toFixed(2), billLimits.maxBillsPerYear, billLimits.maxBillsPerRequest]).toEqual(["10000000.00", 1000, 500]);
  });

  it("reads them from the environment", () => {
    const { billLimits } = readConfig({ MAX_BILL_TOTAL: "500000.00", MAX_BILLS_PER_YEAR: "200", MAX_BILLS_PER_REQUEST: "20" });
    expect([billLimits.maxBillTotal.toFixed(2), billLimits.maxBillsPerYear, billLimits.maxBillsPerRequest]).toEqual(["500000.00", 200, 20]);
  });

  it("refuses limits under which a year's sums could overflow DECIMAL(18,2), and amounts that are not amounts", () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        readConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ MAX_BILL_TOTAL: "9999999999999999.99", MAX_BILLS_PER_YEAR: "2" })).toEqual([expect.stringMatching(/^MAX_BILL_TOTAL × MAX_BILLS_PER_YEAR/)]);
    expect(problems({ MAX_BILL_TOTAL: "1e7" })).toEqual([expect.stringMatching(/^MAX_BILL_TOTAL:/)]);
  });
});

describe("the beneficiary source", () => {
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      readConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it("is this process's own beneficiaries unless a URL is given, which needs SUBGRAPH_SECRET", () => {
    expect(readConfig({}).beneficiarySource).toBeNull();
    expect(readConfig({ BENEFICIARY_SOURCE: "in-process" }).beneficiarySource).toBeNull();
    const secret = "s".repeat(32);
    expect(readConfig({ BENEFICIARY_SOURCE: "http://registry.internal:4100/graphql", SUBGRAPH_SECRET: secret }).beneficiarySource).toEqual({ url: "http://registry.internal:4100/graphql", secret });
  });

  it("refuses a source that is not an http(s) URL, and a URL without the secret", () => {
    expect(problems({ BENEFICIARY_SOURCE: "registry", SUBGRAPH_SECRET: "s".repeat(32) })).toEqual([expect.stringMatching(/^BENEFICIARY_SOURCE:/)]);
    expect(problems({ BENEFICIARY_SOURCE: "ftp://registry.internal/graphql", SUBGRAPH_SECRET: "s".repeat(32) })).toEqual([expect.stringMatching(/^BENEFICIARY_SOURCE:/)]);
    expect(problems({ BENEFICIARY_SOURCE: "https://registry.internal/graphql" })).toEqual([expect.stringMatching(/^SUBGRAPH_SECRET:/)]);
  });
});
