// The Remix route a path belongs to ("routes/files_.$key"), for metrics labels: a bounded set of
// names, where raw paths would make one series per application or file.
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";

export function routeOf(build: Pick<ServerBuild, "routes">): (pathname: string) => string {
  const children = new Map<string | undefined, ServerBuild["routes"][string][]>();
  for (const r of Object.values(build.routes)) {
    const list = children.get(r.parentId) ?? [];
    list.push(r);
    children.set(r.parentId, list);
  }
  const tree = (parent: string | undefined): AgnosticRouteObject[] =>
    (children.get(parent) ?? []).map((r) =>
      r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: tree(r.id) });
  const routes = tree(undefined);
  return (pathname) => {
    if (pathname.startsWith("/build/")) return "static";
    const matches = matchRoutes(routes, pathname);
    return matches?.length ? matches[matches.length - 1].route.id! : "unmatched";
  };
}
