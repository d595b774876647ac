// Forms as a person fills them in (issue 16): Enter in a field before the last one never submits
// a form (Enter in 出生日期 used to save the profile and jump to 个人中心) — the login form, the
// profile — while a search form still searches on Enter; a pattern error says what is expected;
// a required select offers only its values, an optional one 「（不填）」.
import type { Browser, HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, launchBrowser, newPage, pageHelpers, type PageHelpers } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";

const PASSWORD = "Tulip-Harbor-2931";
const OPEN_OPTIONS = ".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option";

let ctx: TestServer;
let browser: Browser;
let page: Page;
let h: PageHelpers;
let userId: number;
let username: string;
const posts: string[] = [];

/** Replaces a date picker's text, confirms it with Enter, and waits for the picker to take it. */
async function enterDate(id: string, value: string) {
  await page.click(`#${id}`);
  await page.$eval(`#${id}`, (el) => (el as HTMLInputElement).select());
  await page.type(`#${id}`, value);
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, `#${id}`, value);
}

/** The options of the select `id`, as its open dropdown lists them. */
async function offered(id: string) {
  await page.click(`#${id}`);
  await page.waitForSelector(OPEN_OPTIONS, { visible: true });
  return page.$$eval(OPEN_OPTIONS, (os) => os.map((o) => o.getAttribute("title")));
}

describe("登录与个人基本信息：回车、格式提示、下拉选择", () => {
  beforeAll(async () => {
    ensureBuilt();
    ctx = await startTestServer();
    username = uniqueName("enter");
    userId = (await createUser(ctx.db, { username, password: PASSWORD, role: "applicant" })).id;
    await saveProfile(ctx.db, userId, validProfile(await unitId(ctx.db), { currentTitleLevel: "中级", postcode: "310023" }), null);
    browser = await launchBrowser();
    page = await newPage(browser, 20_000);
    h = pageHelpers(page);
    page.on("request", (r: HTTPRequest) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.stop();
  });

  it("login: Enter in 用户名 sends nothing, even with both filled; Enter in 密码 signs in", async () => {
    await h.open(`${ctx.server.url}/login`);
    await page.type("#password", PASSWORD);
    await page.type("#username", username);
    await page.keyboard.press("Enter");
    // The next keystrokes land on the same page: the form was not sent.
    await page.click("#password");
    expect(posts).toEqual([]);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.pathname !== "/login");
    expect(posts).toEqual(["/login"]);
    posts.length = 0;
    await h.open(`${ctx.server.url}/profile`);
    await page.waitForSelector("#root_birthDate");
  });

  it("Enter in a date field or a middle field keeps the form open", async () => {
    // Enter confirms the typed date (the picker takes it) and submits nothing.
    await enterDate("root_birthDate", "1988-07-01");
    await enterDate("root_workStartDate", "2013-08");
    await page.click("#root_mobile");
    await page.keyboard.press("Enter");
    await page.click("#root_name");
    await page.keyboard.press("Enter");
    // Still here, and still editable: a next step works on the same page.
    await h.fill("#root_email", "wxm2@example.com");
    expect(h.pathname()).toBe("/profile");
    expect(posts).toEqual([]);
  });

  it("a required select offers only its values; an optional one 「（不填）」, which clears it", async () => {
    const ethnicity = await offered("root_ethnicity");
    expect(ethnicity[0]).toBe("汉族");
    expect(ethnicity).not.toContain("请选择");
    expect(ethnicity).not.toContain("");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".ant-select-dropdown:not(.ant-select-dropdown-hidden)", { hidden: true });

    const level = await offered("root_currentTitleLevel");
    expect(level[0]).toBe("（不填）");
    expect(level).not.toContain("请选择");
    await h.pickOption("（不填）");
    // Cleared: the prompt shows again, no value.
    await page.waitForFunction(() => document.querySelector("#root_currentTitleLevel")?.closest(".ant-select")?.querySelector(".ant-select-placeholder, [class*=placeholder]")?.textContent === "请选择");
  });

  it("an invalid ScholarID says what is expected, above its help", async () => {
    await h.fill("#root_scholarId", "CN_BM75JUJJ");
    await page.click(".schema-form button[type=submit]");
    await page.waitForSelector("#root_scholarId__error");
    const error = await h.text("#root_scholarId__error");
    expect(error).toContain("格式不正确：应为两个英文字母、短横线和 6–28 位英文字母或数字，如 CN-BM75JUJJ");
    // The help stays below the error, in the help's own (not the error's) colour.
    const colours = await page.$eval("#root_scholarId__error", (el) => {
      const help = el.closest(".ant-form-item")!.querySelector(".field-help-below-error") as HTMLElement;
      return { error: getComputedStyle(el).color, help: getComputedStyle(help).color, text: help.innerText };
    });
    expect(colours.text).toContain("scholarID/ 之后的部分");
    expect(colours.help).not.toBe(colours.error);
    expect(posts).toEqual([]);
  });

  it("Enter in the last field submits the form", async () => {
    await h.fill("#root_scholarId", "CN-BM75JUJJ");
    await page.waitForFunction(() => !document.querySelector("#root_scholarId__error"));
    await page.click("#root_postcode");
    await page.keyboard.press("Enter");
    await h.waitForPath("/home");
    expect(posts).toEqual(["/profile"]);
    const saved = (await ctx.db.models.Profile.findOne({ where: { userId } }))!.data as Record<string, unknown>;
    expect(saved).toMatchObject({ birthDate: "1988-07-01", workStartDate: "2013-08", email: "wxm2@example.com", scholarId: "CN-BM75JUJJ" });
    expect(saved.currentTitleLevel).toBeUndefined();
  });

  it("a search form still searches on Enter from its keyword box", async () => {
    await h.open(`${ctx.server.url}/archive/paper`);
    await page.type("form[role=search] input[name=q]", "催化");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "催化");
  });
});
