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

describe("APPLICANT_IDENTITY and STAFF_IDENTITY", () => {
  const origin = { ...prod, PUBLIC_ORIGIN: "https://zcps.example.gov.cn" };
  it("are local unless configured", () => {
    expect(readEnv(origin).identity).toEqual({ applicants: "local", staff: "local", ticket: null, oidc: null });
  });
  it("ticket: needs the secret, the service code and both URLs; the field names are mapped", () => {
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "ticket" })).toThrow(/APPLICANT_IDENTITY=ticket needs IDENTITY_TICKET_SECRET/);
    expect(() => readEnv({ ...origin, STAFF_IDENTITY: "ticket" })).toThrow(/STAFF_IDENTITY=ticket needs IDENTITY_TICKET_SECRET/);
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SECRET: "k" })).toThrow(/IDENTITY_TICKET_SERVICE_CODE/);
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SECRET: "k", IDENTITY_TICKET_SERVICE_CODE: "c", IDENTITY_TICKET_LOGIN_URL: "javascript:alert(1)" })).toThrow(/IDENTITY_TICKET_LOGIN_URL/);
    const full = readEnv({
      ...origin, APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SECRET: "k", IDENTITY_TICKET_SERVICE_CODE: "c",
      IDENTITY_TICKET_LOGIN_URL: "https://idp.example/login", IDENTITY_TICKET_EXCHANGE_URL: "https://idp.example/exchange",
      IDENTITY_TICKET_FIELDS: "name=userName, idNumber=idNum",
    }).identity;
    expect(full).toEqual({
      applicants: "ticket", staff: "local", oidc: null,
      ticket: {
        kind: "ticket", sandbox: false, secret: "k", serviceCode: "c", loginUrl: "https://idp.example/login", exchangeUrl: "https://idp.example/exchange", logoutUrl: null,
        fields: { name: "userName", idNumber: "idNum", mobile: "mobile" },
      },
    });
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SECRET: "k", IDENTITY_TICKET_FIELDS: "email=x" })).toThrow(/IDENTITY_TICKET_FIELDS/);
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "cas" })).toThrow(/local, ticket or oidc/);
    expect(() => readEnv({ ...origin, STAFF_IDENTITY: "ldap" })).toThrow(/STAFF_IDENTITY must be local, ticket or oidc/);
  });
  it("the sandbox is served by the app itself; its dev secret only outside production", () => {
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1" })).toThrow(/IDENTITY_TICKET_SECRET/);
    const dev = readEnv({ NODE_ENV: "development", APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1" } as const).identity.ticket;
    expect(dev).toMatchObject({ kind: "ticket", sandbox: true, loginUrl: "http://localhost:3000/sandbox-idp/login", exchangeUrl: "http://localhost:3000/sandbox-idp/exchange", logoutUrl: "http://localhost:3000/sandbox-idp/logout" });
  });
  it("oidc: needs the issuer and the client; https unless a loopback issuer; scope has openid", () => {
    const oidc = { APPLICANT_IDENTITY: "oidc", IDENTITY_OIDC_CLIENT_ID: "zcps", IDENTITY_OIDC_CLIENT_SECRET: "s" };
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "oidc" })).toThrow(/IDENTITY_OIDC_ISSUER/);
    expect(() => readEnv({ ...origin, APPLICANT_IDENTITY: "oidc", IDENTITY_OIDC_ISSUER: "https://id.example" })).toThrow(/IDENTITY_OIDC_CLIENT_ID/);
    expect(() => readEnv({ ...origin, ...oidc, IDENTITY_OIDC_ISSUER: "http://id.example" })).toThrow(/must be https/);
    expect(readEnv({ ...origin, ...oidc, IDENTITY_OIDC_ISSUER: "http://127.0.0.1:4000" }).identity.oidc?.allowHttp).toBe(true);
    expect(() => readEnv({ ...origin, ...oidc, IDENTITY_OIDC_ISSUER: "https://id.example", IDENTITY_OIDC_SCOPE: "profile" })).toThrow(/openid/);
    const dev = readEnv({ NODE_ENV: "test", ...oidc, STAFF_IDENTITY: "oidc", IDENTITY_OIDC_ISSUER: "http://127.0.0.1:4000", IDENTITY_OIDC_CLAIMS: "idNumber=sfzh" } as const).identity;
    expect(dev).toMatchObject({ applicants: "oidc", staff: "oidc", ticket: null });
    expect(dev.oidc).toMatchObject({ allowHttp: true, scope: "openid profile", label: "统一身份认证", claims: { name: "name", idNumber: "sfzh", mobile: "phone_number" } });
  });
});

describe("SMS_PROVIDER", () => {
  it("is the sandbox outside production and in demo mode, none in production; nothing else", () => {
    expect(readEnv({ NODE_ENV: "development" } as const).smsProvider).toBe("sandbox");
    expect(readEnv({ ...prod, DEMO_MODE: "1" }).smsProvider).toBe("sandbox");
    expect(readEnv({ ...prod, PUBLIC_ORIGIN: "https://zcps.example.gov.cn" }).smsProvider).toBe("none");
    expect(() => readEnv({ NODE_ENV: "development", SMS_PROVIDER: "aliyun" } as const)).toThrow(/SMS_PROVIDER must be sandbox or none/);
  });
});

describe("UNIT_IDENTITY", () => {
  const origin = { ...prod, PUBLIC_ORIGIN: "https://zcps.example.gov.cn" };
  const service = { IDENTITY_TICKET_SECRET: "k", IDENTITY_TICKET_SERVICE_CODE: "c" };
  it("is off unless configured, whatever applicants use", () => {
    expect(readEnv(origin).unitIdentity).toEqual({ kind: "off" });
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "oidc" })).toThrow(/off or ticket/);
  });
  it("ticket: shares the service's secret and code, has its own 法人 login URLs and field mapping", () => {
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "ticket" })).toThrow(/UNIT_IDENTITY=ticket needs IDENTITY_TICKET_SECRET/);
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "ticket", ...service })).toThrow(/IDENTITY_TICKET_UNIT_LOGIN_URL/);
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "ticket", ...service, IDENTITY_TICKET_UNIT_LOGIN_URL: "https://idp.example/corp", IDENTITY_TICKET_UNIT_EXCHANGE_URL: "ftp://x" })).toThrow(/IDENTITY_TICKET_UNIT_EXCHANGE_URL/);
    const full = readEnv({
      ...origin, UNIT_IDENTITY: "ticket", ...service,
      IDENTITY_TICKET_UNIT_LOGIN_URL: "https://idp.example/corp", IDENTITY_TICKET_UNIT_EXCHANGE_URL: "https://idp.example/corp-exchange",
      IDENTITY_TICKET_UNIT_FIELDS: "creditCode=uscc, unitName=corpName, name=attnName",
    });
    expect(full.unitIdentity).toEqual({
      kind: "ticket", sandbox: false, secret: "k", serviceCode: "c", loginUrl: "https://idp.example/corp", exchangeUrl: "https://idp.example/corp-exchange",
      fields: { creditCode: "uscc", unitName: "corpName", name: "attnName", idNumber: "idnum", mobile: "mobile" },
    });
    expect(full.identity).toMatchObject({ applicants: "local", staff: "local", ticket: null });
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "ticket", ...service, IDENTITY_TICKET_UNIT_FIELDS: "email=x" })).toThrow(/IDENTITY_TICKET_UNIT_FIELDS/);
  });
  it("the sandbox serves the 法人 login too; its dev secret only outside production", () => {
    expect(() => readEnv({ ...origin, UNIT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1" })).toThrow(/IDENTITY_TICKET_SECRET/);
    const dev = readEnv({ NODE_ENV: "development", UNIT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1" } as const).unitIdentity;
    expect(dev).toMatchObject({ kind: "ticket", sandbox: true, serviceCode: "zcps-sandbox", loginUrl: "http://localhost:3000/sandbox-idp/unit-login", exchangeUrl: "http://localhost:3000/sandbox-idp/unit-exchange" });
  });
});
