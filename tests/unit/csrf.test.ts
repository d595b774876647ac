import { describe, expect, it } from "vitest";
import { originAllowed } from "~/utils/csrf.server";

const base = { path: "/login", selfOrigin: "http://127.0.0.1:3000", trusted: ["https://zcps.example.gov.cn"] };

describe("origin check", () => {
  it("lets reads through", () => expect(originAllowed({ ...base, method: "GET", origin: "http://evil.example" })).toBe(true));
  it("accepts our own origin and a trusted one", () => {
    expect(originAllowed({ ...base, method: "POST", origin: "http://127.0.0.1:3000" })).toBe(true);
    expect(originAllowed({ ...base, method: "POST", origin: "https://zcps.example.gov.cn" })).toBe(true);
    expect(originAllowed({ ...base, method: "POST", referer: "http://127.0.0.1:3000/login?x=1" })).toBe(true);
  });
  it.each([
    ["another origin", { origin: "http://evil.example" }],
    ["a look-alike port", { origin: "http://127.0.0.1:3001" }],
    ["Origin: null", { origin: "null" }],
    ["no Origin and no Referer", {}],
    ["a cross-site Referer", { referer: "http://evil.example/x" }],
    ["a malformed Referer", { referer: "::::" }],
  ])("refuses a write with %s", (_, h) => expect(originAllowed({ ...base, method: "POST", ...h })).toBe(false));
});
