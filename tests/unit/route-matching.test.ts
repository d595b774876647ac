// The patched route matching (patches/@remix-run+router): results are cached per routes array
// and per compiled pattern, so the cache keys must keep apart what differs.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import { createRequire } from "node:module";
import type { AgnosticRouteObject } from "@remix-run/router";

// The CommonJS build, as the server loads it (the patched file); an ESM import would get router.js.
const router = createRequire(import.meta.url)("@remix-run/router") as typeof import("@remix-run/router");
const { matchPath, matchRoutes } = router;

describe("route matching (patched @remix-run/router)", () => {
  it("is the patched build", () => {
    expect(fs.readFileSync(createRequire(import.meta.url).resolve("@remix-run/router"), "utf8")).toContain("zcps patch");
  });

  it("keeps patterns apart by end and case sensitivity", () => {
    expect(matchPath({ path: "/a/:id", end: false }, "/a/1/b")?.params).toEqual({ id: "1" });
    expect(matchPath({ path: "/a/:id" }, "/a/1/b")).toBeNull();
    expect(matchPath({ path: "/a/:id", end: false }, "/a/2/c")?.pathnameBase).toBe("/a/2");
    expect(matchPath({ path: "/Case", caseSensitive: true }, "/case")).toBeNull();
    expect(matchPath({ path: "/Case" }, "/case")).not.toBeNull();
    expect(matchPath({ path: "/Case", caseSensitive: true }, "/Case")).not.toBeNull();
  });

  it("matches each routes array against its own routes, again and again", () => {
    const one: AgnosticRouteObject[] = [{ id: "root", path: "/", children: [{ id: "files", path: "files/:key" }, { id: "home", index: true }] }];
    const two: AgnosticRouteObject[] = [{ id: "root", path: "/", children: [{ id: "other", path: "files/:key/download" }] }];
    const leaf = (routes: AgnosticRouteObject[], p: string) => matchRoutes(routes, p)?.at(-1)?.route.id ?? null;
    for (let i = 0; i < 3; i++) {
      expect(leaf(one, "/files/abc")).toBe("files");
      expect(leaf(one, "/")).toBe("home");
      expect(leaf(one, "/files/abc/download")).toBeNull();
      expect(leaf(two, "/files/abc/download")).toBe("other");
      expect(leaf(two, "/files/abc")).toBeNull();
      expect(matchRoutes(one, "/files/x%20y")?.at(-1)?.params).toEqual({ key: "x y" });
    }
  });
});
