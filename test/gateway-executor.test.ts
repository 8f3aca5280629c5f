/**
 * The gateway's executor on the one-process gateway's real subgraphs: an operation one subgraph
 * answers alone reaches it whole, in one request; any other is planned over the subgraphs; a
 * forwarded answer is held to the result-node limit; variables the gateway refuses are refused the
 * planned way, the owner never asked.
 */
import type { Executor } from "@graphql-tools/utils";
import { parse, print, type ExecutionResult } from "graphql";
import { Principal } from "../src/access/principal";
import { gatewayExecutor } from "../src/gateway/gateway-executor";
import { createLoaders } from "../src/gateway/loaders";
import { buildGatewaySchema, federatedGatewaySchema } from "../src/gateway/schema";
import { testDatabases } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

describe.each(testDatabases().map((db) => [db.name, db] as const))("the gateway's executor on %s", (_name, database) => {
  let t: TestGateway;
  let asked: Array<{ subgraph: string; query: string }>;
  let run: (query: string, variables?: Record<string, unknown>, maxResultNodes?: number) => Promise<ExecutionResult>;

  beforeAll(async () => {
    t = await startTestGateway(database);
    const built = await buildGatewaySchema(t.services);
    // Every request a subgraph receives, on its way to the real subgraph.
    const recorded = (subgraph: string): Executor => {
      const real = built.executorOf(subgraph);
      return (request) => {
        asked.push({ subgraph, query: print(request.document) });
        return real(request);
      };
    };
    // The planned path over the same recorded subgraphs.
    const schema = federatedGatewaySchema(built.composition.supergraphSdl, recorded);
    run = async (query, variables, maxResultNodes = 100_000) => {
      const execute = gatewayExecutor({ schema, supergraphSdl: built.composition.supergraphSdl, executorOf: recorded, maxResultNodes });
      const context = { principal: Principal.system("test"), loaders: createLoaders(t.services.dataSource, t.services) };
      return (await execute({ document: parse(query), request: { query, variables }, context } as never)) as ExecutionResult;
    };
  });
  beforeEach(() => {
    asked = [];
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("sends an operation of one owner to it whole, in one request", async () => {
    // A fragment and an alias, which a planned request would not carry as they are.
    const query = `query Packs { packs: rulePacks { ...Pack } } fragment Pack on RulePack { id version }`;
    const result = await run(query);
    expect(result.errors).toBeUndefined();
    expect((result.data!.packs as unknown[]).length).toBeGreaterThan(0);
    expect(asked).toEqual([{ subgraph: "settlements", query: print(parse(query)) }]);
  });

  it("plans an operation of several owners: each asked for its part only", async () => {
    const result = await run(`{ rulePacks { id } charityFunds { id } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ rulePacks: expect.any(Array), charityFunds: [] });
    expect(asked.map((request) => request.subgraph).sort()).toEqual(["charity", "settlements"]);
    expect(asked.every((request) => !(request.query.includes("rulePacks") && request.query.includes("charityFunds")))).toBe(true);
  });

  it("refuses a forwarded answer of more fields than the limit, with the limit's refusal", async () => {
    await expect(run(`{ rulePacks { id version } }`, {}, 3)).rejects.toMatchObject({ extensions: { code: "QUERY_TOO_COMPLEX", field: "query" } });
    expect(asked.map((request) => request.subgraph)).toEqual(["settlements"]);
  });

  it("leaves variables the gateway refuses to the planned path: refused there, the owner never asked", async () => {
    const result = await run(`query ($id: ID!) { claim(id: $id) { id } }`, { id: { not: "an id" } });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/\$id/);
    expect(asked).toEqual([]);
  });
});
