/**
 * The registry as its own process: `node dist/test/support/registry/main.js` with REGISTRY_DATA
 * (its JSON file), SUBGRAPH_SECRET and PORT (0: any free port). Prints `registry listening on URL`.
 */
import { startStandaloneServer } from "@apollo/server/standalone";
import { readRegistry, registryContext, registryServer } from "./registry";

async function main(): Promise<void> {
  const data = process.env.REGISTRY_DATA;
  const secret = process.env.SUBGRAPH_SECRET;
  if (!data || !secret) throw new Error("REGISTRY_DATA and SUBGRAPH_SECRET are needed");
  const server = registryServer(readRegistry(data));
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 0), host: "127.0.0.1" },
    context: async ({ req }) => registryContext(req.headers, secret),
  });
  process.stdout.write(`registry listening on ${url}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`registry: ${(error as Error).message}\n`);
  process.exit(1);
});
