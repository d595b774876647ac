import { describe, expect, it } from "vitest";
import { readEnv } from "~/utils/env.server";

const prod = { NODE_ENV: "production", SESSION_SECRET: "s" } as const;

describe("PUBLIC_ORIGIN", () => {
  it("is required in production, except in demo mode", () => {
    expect(() => readEnv(prod)).toThrow(/PUBLIC_ORIGIN is required/);
    expect(readEnv({ ...prod, DEMO_MODE: "1", PORT: "3100" }).publicOrigin).toBe("http://localhost:3100");
  });
  it("defaults to http://localhost:PORT in development and tests", () => {
    expect(readEnv({ NODE_ENV: "development" } as const).publicOrigin).toBe("http://localhost:3000");
    expect(readEnv({ NODE_ENV: "test", PORT: "4000" } as const).publicOrigin).toBe("http://localhost:4000");
  });
  it("is normalised to an origin", () => {
    expect(readEnv({ ...prod, PUBLIC_ORIGIN: "HTTPS://ZCPS.Example.gov.cn:443/" }).publicOrigin).toBe("https://zcps.example.gov.cn");
    expect(readEnv({ ...prod, PUBLIC_ORIGIN: " http://10.0.0.5:8080 " }).publicOrigin).toBe("http://10.0.0.5:8080");
  });
  it.each(["zcps.example.gov.cn", "ftp://zcps.example.gov.cn", "https://zcps.example.gov.cn/app", "https://zcps.example.gov.cn?x=1", "https://u:p@zcps.example.gov.cn", "https://"])(
    "refuses %s", (v) => expect(() => readEnv({ ...prod, PUBLIC_ORIGIN: v })).toThrow(/PUBLIC_ORIGIN must be an origin/),
  );
});
