// Issue 16 item 4: every list fits a 1280 px window without horizontal scrolling — the page and
// each table's own scroll container — in real Chromium against the built server: the applicant's
// plan lists (申报时间 visible), 我的申报记录, 我的业绩档案库 and the BibTeX import preview (a
// record's 需补充 shown in the left half, its inputs on screen), the reviewers' queues and the
// admin lists. The data is long on purpose: long plan and unit names, many accepted departments.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "~/engine/people/users.server";
import { createPlan } from "~/engine/plans.server";
import type { Db } from "~/utils/db.server";
import { ensureBuilt, launchBrowser, newPage, setSessionCookies } from "../helpers/browser";
import { uniqueName, unitId } from "../helpers/fixtures";
import { Client } from "../helpers/http";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let browser: Browser;
const pages: Record<"applicant" | "unit" | "office" | "admin", Page> = {} as never;

async function pageAs(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  // A context of its own: the four people's cookies never mix.
  const page = await newPage(await browser.createBrowserContext(), 45_000);
  await setSessionCookies(page, server.url, c.cookies);
  return page;
}

/** Horizontal overflow of the page and of every table scroll container (px beyond the width). */
function overflow(page: Page) {
  return page.evaluate(() => {
    const doc = document.scrollingElement!;
    const tables = [...document.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body, .ant-table-container")]
      .map((el) => el.scrollWidth - el.clientWidth);
    return { page: doc.scrollWidth - doc.clientWidth, tables, count: tables.length };
  });
}

async function open(page: Page, path: string, ready = ".ant-table") {
  const res = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
  expect(res?.status(), path).toBe(200);
  await page.waitForSelector(ready);
  // Hydrated: the client has taken over (the table re-renders with its measured widths).
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
}

async function fits(page: Page, path: string, ready?: string) {
  await open(page, path, ready);
  const o = await overflow(page);
  expect(o.count, `${path}: a table`).toBeGreaterThan(0);
  expect(o.page, `${path}: page scrolls sideways`).toBeLessThanOrEqual(0);
  for (const t of o.tables) expect(t, `${path}: table scrolls sideways`).toBeLessThanOrEqual(1);
}

beforeAll(async () => {
  ensureBuilt();
  ctx = await startTestServer();
  ({ server, db } = ctx);
  const unit = await unitId(db);
  const plans = await makePlans(db);
  const staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  // Long names and many departments: what used to push 申报时间 off-screen.
  const depts = (await db.models.AcceptanceDepartment.findAll({ attributes: ["id"] })).map((d) => d.id);
  const base = (await db.models.Plan.findByPk(plans.initial))!.get({ plain: true }) as unknown as Record<string, unknown>;
  await createPlan(db, { ...base, id: undefined, name: `2026年度浙江省大中专毕业生工程系列助理工程师职称初定（第二批次，含补报）${uniqueName("")}`, acceptanceDepartmentIds: depts } as never);
  const review = (await db.models.Plan.findByPk(plans.review))!.get({ plain: true }) as unknown as Record<string, unknown>;
  await createPlan(db, { ...review, id: undefined, name: `2026年度浙江省工程系列高级工程师职务任职资格评审（建筑、交通、水利、信息技术专业）${uniqueName("")}` } as never);
  const person = await makeApplicant(db, unit, { name: "欧阳晓明", paperTitle: "软土地区深基坑开挖对邻近地铁隧道变形影响的实测分析与数值模拟研究" });
  await submitInProcess(db, person.id, plans.review);
  const admin = await createUser(db, { username: uniqueName("adm"), password: PASSWORD, role: "admin" });
  browser = await launchBrowser();
  pages.applicant = await pageAs(person.username);
  pages.unit = await pageAs(staff.unit.username);
  pages.office = await pageAs(staff.office.username);
  pages.admin = await pageAs(admin.username);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.stop();
});

describe("lists at 1280 px", () => {
  it("the plan lists fit, 申报时间 on screen", async () => {
    for (const type of ["title-review", "graduate-initial", "transfer-recognition"]) {
      await fits(pages.applicant, `/plans?type=${type}`);
      const header = await pages.applicant.evaluate(() => {
        const th = [...document.querySelectorAll("th")].find((x) => x.textContent?.includes("申报时间"));
        const r = th?.getBoundingClientRect();
        return r ? { left: r.left, right: r.right, width: window.innerWidth } : null;
      });
      expect(header, `${type}: 申报时间`).not.toBeNull();
      expect(header!.right).toBeLessThanOrEqual(header!.width);
      // Dates are not broken: the time is two lines, one per date.
      const broken = await pages.applicant.evaluate(() => [...document.querySelectorAll("td span")].filter((x) => /\d 至/.test(x.textContent ?? "") && x.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(x).lineHeight) + 2).length);
      expect(broken, `${type}: 申报时间 wraps per character`).toBe(0);
    }
  }, 120_000);

  it("the applicant's lists fit", async () => {
    for (const path of ["/records", "/archive/paper", "/archive/education"]) await fits(pages.applicant, path);
  }, 120_000);

  it("the BibTeX preview shows what a record lacks in the left half, its inputs on screen, and fits", async () => {
    const page = pages.applicant;
    await open(page, "/archive/paper/import", "input[type=file]");
    const bib = "@article{a1,\n  title = {基于图神经网络的交通流预测方法研究},\n  author = {欧阳晓明 and 李四},\n  year = {2023}\n}\n@article{a2,\n  title = {城市道路网络韧性评估},\n  author = {欧阳晓明},\n  journal = {中国公路学报},\n  year = {2022},\n  volume = {35},\n  pages = {1--10}\n}\n";
    const input = (await page.$("input[type=file]"))!;
    const file = `/tmp/zcps-list-widths-${process.pid}.bib`;
    (await import("node:fs")).writeFileSync(file, bib);
    await (input as import("puppeteer-core").ElementHandle<HTMLInputElement>).uploadFile(file);
    await page.waitForSelector("[data-testid='needs-field']");
    const o = await overflow(page);
    expect(o.page).toBeLessThanOrEqual(0);
    for (const t of o.tables) expect(t).toBeLessThanOrEqual(1);
    const where = await page.evaluate(() => {
      const say = [...document.querySelectorAll(".ant-table-tbody .ant-typography-danger")].find((x) => x.textContent?.startsWith("需补充"));
      const fields = [...document.querySelectorAll("[data-testid='needs-field']")].map((x) => x.getBoundingClientRect());
      return { say: say?.getBoundingClientRect().left ?? null, fields: fields.map((r) => ({ left: r.left, right: r.right })), width: window.innerWidth };
    });
    expect(where.say, "需补充 stated").not.toBeNull();
    expect(where.say!).toBeLessThan(where.width / 2);
    expect(where.fields.length).toBeGreaterThan(0);
    for (const f of where.fields) {
      expect(f.left).toBeLessThan(where.width / 2);
      expect(f.right).toBeLessThanOrEqual(where.width);
    }
  }, 120_000);

  it("the reviewers' and the admin's lists fit", async () => {
    for (const path of ["/staff/applications", "/review/entries"]) await fits(pages.unit, path);
    await fits(pages.office, "/staff/applications");
    for (const path of ["/admin/plans", "/admin/users", "/admin/dictionaries/units", "/admin/dictionaries/departments", "/admin/forms", "/admin/types", "/admin/templates"]) {
      await fits(pages.admin, path);
    }
  }, 180_000);
});
