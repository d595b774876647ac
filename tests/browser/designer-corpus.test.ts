// The designer corpus (tests/fixtures/designer-corpus) in real Chromium against the built server:
// every form published through 新建业绩类别 renders as an applicant's 【新增】 page with no English;
// for a few, the invalid value typed in shows its Chinese message on the field (and a field's help
// stays below its error). A form stored before the designer checked widget names (unknown
// "StarPicker") still opens, with a Chinese notice in place of that field. In the designer, a
// pasted form that needs code shows the refusal in the preview before 发布, and pasted JSON without
// meta shows the list columns that will be used.
import os from "node:os";
import path from "node:path";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../app/utils/db.server";
import { createUser } from "../../app/engine/people/users.server";
import { publishDefinition } from "../../app/engine/definitions/lifecycle.server";
import { formKind } from "../../app/engine/definitions/kinds/form.server";
import { ensureBuilt, launchBrowser, newPage, noEnglish, pageHelpers, setSessionCookies, type PageHelpers } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";
import { Client } from "../helpers/http";
import { startServer, type RunningServer } from "../helpers/server";
import { corpus, newCategoryBody, refusedCorpus } from "../helpers/designer-corpus";

const PASSWORD = "Tulip-Harbor-2931";
const WAIT = 45_000;
const forms = corpus();
let target: TestTarget;
let server: RunningServer;
let db: Db;
let browser: Browser;
let a: PageHelpers;
let adm: PageHelpers;

beforeAll(async () => {
  ensureBuilt();
  target = await createTestTarget("sqlite");
  server = await startServer(target, { DATA_DIR: path.join(os.tmpdir(), `zcps-corpus-${Date.now()}`) });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  const adminName = uniqueName("corpus-adm");
  await createUser(db, { username: adminName, password: PASSWORD, role: "admin" });
  const admin = new Client(server.url);
  expect((await admin.login(adminName, PASSWORD)).status).toBe(302);
  let order = 2000;
  for (const f of forms) {
    const res = await admin.action("/admin/forms/new", "routes/admin.forms.new", newCategoryBody(f, f.slug, order++));
    expect(res.status, `${f.file}: ${await res.clone().text()}`).toBe(204);
  }
  // A category stored before widget names were checked (written straight to the store).
  const star = refusedCorpus().find((f) => f.needs === "StarPicker")!;
  await publishDefinition(db, formKind, {
    id: "achievement/legacy-star", kind: "achievement", title: "旧版星级评分", ...star.definition,
    meta: { order: order++, titleField: "name", listColumns: [{ field: "name" }] },
  }, { by: "test", checked: true });

  const applicant = new Client(server.url);
  await applicant.post("/register", { username: uniqueName("corpus"), password: PASSWORD, confirmPassword: PASSWORD });
  const unit = await db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  expect((await applicant.post("/profile", { data: validProfile(unit!.id, { name: "申请人乙", idNumber: idNumber() }), version: null }, { json: true })).status).toBe(302);

  browser = await launchBrowser();
  a = pageHelpers(await newPage(browser, WAIT));
  await setSessionCookies(a.page, server.url, applicant.cookies);
  const adminContext = await browser.createBrowserContext();
  adm = pageHelpers(await newPage(adminContext, WAIT));
  await setSessionCookies(adm.page, server.url, admin.cookies);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
});

/** The antd form item holding `selector` shows `message` (an error state), and `help` when given. */
async function fieldShows(selector: string, message: string, help?: string) {
  await a.page.waitForFunction(
    (sel, m) => {
      const item = document.querySelector(sel)?.closest(".ant-form-item");
      return !!item && item.classList.contains("ant-form-item-has-error") && (item as HTMLElement).innerText.includes(m);
    },
    {}, selector, message,
  );
  const text = await a.page.$eval(selector, (el) => (el.closest(".ant-form-item") as HTMLElement).innerText);
  if (help) {
    expect(text).toContain(help);
    expect(text.indexOf(message)).toBeLessThan(text.indexOf(help));
  }
}

describe("designer corpus in Chromium", () => {
  it.each(forms.map((f) => [f.file, f] as const))("%s renders in Chinese", async (_file, f) => {
    await a.open(`${server.url}/archive/${f.slug}/new`);
    await a.button("保存");
    await a.page.waitForSelector(".schema-form form");
    await noEnglish(a.page, f.file);
    if (f.browser) {
      await a.fill(f.browser.input, f.browser.value);
      await a.clickButton("保存");
      await fieldShows(f.browser.input, f.browser.message, f.browser.help);
      await noEnglish(a.page, `${f.file} with its error`);
    }
  });

  it("opens a stored form naming an unknown widget: a Chinese notice in place of the field, the rest fillable", async () => {
    const res = await fetch(`${server.url}/archive/legacy-star/new`, { headers: { Cookie: (await a.page.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } });
    expect(res.status).toBe(200);
    await a.open(`${server.url}/archive/legacy-star/new`);
    await a.waitForText("main", "表单使用的控件「StarPicker」本系统没有");
    expect(await a.page.$("#root_name")).not.toBeNull();
    await noEnglish(a.page, "legacy-star");
  });

  it("the designer's preview shows the refusal of a form that needs code, and the list columns a pasted form without meta gets", async () => {
    await adm.open(`${server.url}/admin/forms/new`);
    const star = refusedCorpus().find((f) => f.needs === "StarPicker")!;
    await adm.fill("textarea[aria-label='表单定义 JSON']", JSON.stringify(star.definition, null, 2));
    await adm.waitForText(".designer-refusals", "控件「StarPicker」不存在");
    const tuple = forms.find((f) => f.slug === "tuple-point")!;
    await adm.fill("textarea[aria-label='表单定义 JSON']", JSON.stringify(tuple.definition, null, 2));
    await adm.page.waitForFunction(() => !document.querySelector(".designer-refusals"));
    await adm.waitForText(".columns-summary", "发布后列表显示：测点名称（name）");
    await noEnglish(adm.page, "designer");
  });
});
