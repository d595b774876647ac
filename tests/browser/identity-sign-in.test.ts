// An applicant signs in through the identity service (the sandbox 浙江政务服务网, issue 14) in
// real Chromium: 个人用户登录 → 【通过浙江政务服务网登录】 → the service's page → pick a person →
// back with a ticket → 个人基本信息 with 姓名 and 身份证号 prefilled and locked → 个人中心.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PERSONS } from "../../app/engine/identity/ticket.server";
import { ensureBuilt, launchBrowser, newPage, pageHelpers, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";

const PERSON = SANDBOX_PERSONS[0];
// The rest of the profile, consistent with the person's 身份证号 (born 1985-03-12, male).
const REST = { birthDate: "1985-03-12", email: "shaxiang@example.com", workStartDate: "2008-07", specialty: "土木工程", address: "浙江省杭州市西湖区留和路288号" };

let target: TestTarget;
let server: RunningServer;
let browser: Browser;
let page: Page;
let h: PageHelpers;

describe("统一身份认证登录 → 个人基本信息（姓名、身份证号已锁定）→ 个人中心", () => {
  beforeAll(async () => {
    ensureBuilt();
    target = await createTestTarget("sqlite");
    server = await startServer(target, { APPLICANT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1", IDENTITY_TICKET_SECRET: "browser-test-secret" });
    browser = await launchBrowser();
    page = await newPage(browser, 20_000);
    h = pageHelpers(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await target?.drop();
  });

  it("signs in at the service, completes the profile around the verified fields, and reaches 个人中心", async () => {
    await h.open(`${server.url}/login`);
    expect(await page.$("a[href='/register']")).toBeNull();
    await page.click("a[href='/auth/ticket']");
    await h.waitForPath("/sandbox-idp/login");
    await h.hydrated();
    expect(await h.text("main")).toContain("统一身份认证（沙箱）");
    await page.click(`button[aria-label='以${PERSON.name}的身份登录']`);

    // Back from the service: a new account, held on the profile form.
    await h.waitForPath("/profile");
    await h.hydrated();
    await page.waitForSelector("#root_name");
    expect(await h.text("main")).toContain("首次登录请先完善个人基本信息");
    const field = (id: string) => page.$eval(id, (el) => ({ value: (el as HTMLInputElement).value, locked: (el as HTMLInputElement).readOnly || (el as HTMLInputElement).disabled }));
    expect(await field("#root_name")).toEqual({ value: PERSON.name, locked: true });
    expect(await field("#root_idNumber")).toEqual({ value: PERSON.idnum, locked: true });
    expect(await h.text("main")).toContain("来自统一身份认证，不可修改");

    await page.click("#root_gender-0"); // 男
    await h.typeDate("root_birthDate", REST.birthDate);
    await h.chooseEnum("root_ethnicity", "汉族");
    await h.chooseEnum("root_politicalStatus", "群众");
    await h.fill("#root_mobile", PERSON.mobile);
    await h.fill("#root_email", REST.email);
    await page.click("#root_unitId");
    const searched = page.waitForResponse((r) => r.url().endsWith("/api/units?q=zjgydx"));
    await page.type("#root_unitId", "zjgydx");
    await searched;
    await h.pickOption("浙江工业大学");
    await h.typeDate("root_workStartDate", REST.workStartDate);
    await h.fill("#root_currentSpecialty", REST.specialty);
    await h.chooseEnum("root_highestEducation", "大学本科");
    await h.fill("#root_address", REST.address);
    await page.click(".schema-form button[type=submit]");

    await h.waitForPath("/home");
    await page.waitForFunction(() => document.querySelector("h3")?.textContent === "个人中心");
    expect(await h.text("main")).toContain(PERSON.name);
    expect(await h.text(".app-user")).toContain(PERSON.name);
  });
});
