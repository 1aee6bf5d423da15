import type { AppContext } from '../app-context.js';
import { createHttpServer } from '../transports/http/server.js';

/**
 * Every route the HTTP server registers, as `METHOD /path` with Fastify's own parameter syntax
 * (`GET /v1/conversations/:conversationId`), hidden ones (docs assets, the web app) included. It
 * builds a second, never listening, app over the same context: the one the running server built
 * is not reachable from outside. The HEAD twin Fastify adds to every GET route is left out.
 */
export async function registeredRoutes(ctx: AppContext): Promise<string[]> {
  const app = await createHttpServer(ctx);
  try {
    await app.ready();
    const routes = routesOfTree(app.printRoutes());
    // The tree is read right only if Fastify finds every route read from it.
    for (const route of routes) {
      const [method, url] = route.split(' ') as [string, string];
      if (!app.hasRoute({ method, url })) throw new Error(`Misread the route tree: no route ${route}`);
    }
    return routes;
  } finally {
    await app.close();
  }
}

/**
 * Reads Fastify's radix tree of routes (`printRoutes()`): one node a line, four characters of
 * indentation per level, each node's label the part of the path after its parent's, the methods
 * in brackets. Lines without brackets are nodes with no route of their own.
 */
export function routesOfTree(tree: string): string[] {
  const pathAtDepth: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const start = line.search(/[^│├└─\s]/u);
    if (start < 0) continue;
    if (start % 4 !== 0) throw new Error(`Unexpected route tree line: ${JSON.stringify(line)}`);
    const depth = start / 4;
    const match = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(start));
    if (!match) throw new Error(`Unexpected route tree line: ${JSON.stringify(line)}`);
    const path = (pathAtDepth[depth - 1] ?? '') + (match[1] as string);
    pathAtDepth[depth] = path;
    pathAtDepth.length = depth + 1;
    const verbs = match[2]?.split(', ') ?? [];
    for (const verb of verbs) if (verb !== 'HEAD' || !verbs.includes('GET')) routes.push(`${verb} ${path}`);
  }
  return routes.sort();
}
