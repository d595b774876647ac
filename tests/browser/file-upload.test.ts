// The "file-upload" widget in real Chromium against the built server: RJSF renders it for an
// array field; a PDF and a PNG upload (progress shown) and appear as links by name; the server's
// refusal of HTML named .pdf shows under the field; an oversized file is refused before sending;
// remove takes a key out of the value; the form submits the list of keys; read-only shows links.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, launchBrowser, newPage, setSessionCookies } from "../helpers/browser";
import { createTestTarget, type TestTarget } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { openDb, type Db } from "../../app/utils/db.server";
import { hashForm } from "../../app/engine/form-registry.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { evidenceField, FILES } from "../helpers/files";

const ROOT = path.resolve(__dirname, "../..");
const FORM = "test/evidence";
const schema = { type: "object", properties: { evidence: evidenceField } };
const uiSchema = { evidence: { "ui:widget": "file-upload" } };
const KEY_RE = /^f_[A-Za-z0-9_-]{16,48}$/;

let target: TestTarget;
let server: RunningServer;
let db: Db;
let browser: Browser;
let page: Page;
let harness: string;
let tmp: string;
let userId: number;

function file(name: string, bytes: Uint8Array) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

async function mount(config: Record<string, unknown>) {
  await page.goto(`${server.url}/home`, { waitUntil: "load" });
  await page.evaluate((c) => ((window as any).__harness = c), config);
  await page.addScriptTag({ content: harness });
  await page.waitForSelector("#harness .file-upload");
}

/** Chooses a file in the widget's input (queried afresh: the upload control replaces its input
 * after every selection). */
async function pick(p: string) {
  const input = await page.$("#root_evidence");
  await (input as any).uploadFile(p);
}
const formData = () => page.evaluate(() => (window as any).__formData);
const links = () => page.$$eval("#harness .file-upload-list a", (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href"), target: a.getAttribute("target") })));

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-upload-"));
  const bundle = await build({
    entryPoints: [path.join(__dirname, "harness/schema-form.harness.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    jsx: "automatic",
    minify: true,
    alias: { "~": path.join(ROOT, "app") },
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  harness = bundle.outputFiles[0].text;
  target = await createTestTarget("sqlite");
  server = await startServer(target, { DATA_DIR: tmp });
  db = openDb({ databaseUrl: target.databaseUrl, sqlitePath: target.sqlitePath });
  // An application-kind form: a test form, not an achievement category (whose meta the meta-schema requires).
  const def = { kind: "application" as const, title: "测试证明材料", schema, uiSchema, meta: {} };
  await db.models.FormVersion.create({ formId: FORM, version: 1, ...def, hash: hashForm(def), createdBy: "test" });

  // An applicant with a saved profile; the browser takes over its session cookie.
  const c = new Client(server.url);
  const username = uniqueName("up");
  await c.post("/register", { username, password: "Tulip-Harbor-2931", confirmPassword: "Tulip-Harbor-2931" });
  await c.post("/profile", { data: validProfile(await unitId(db)), version: null }, { json: true });
  userId = (await db.models.User.findOne({ where: { username } }))!.id;

  browser = await launchBrowser();
  page = await newPage(browser, 20_000);
  await setSessionCookies(page, server.url, c.cookies);
});

afterAll(async () => {
  await browser?.close();
  await db?.sequelize.close();
  await server?.stop();
  await target?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("证明材料 upload widget", () => {
  it("uploads, shows server refusals, removes, and submits the keys", async () => {
    await mount({ schema, uiSchema, formContext: { formId: FORM } });
    const text = await page.$eval("#harness", (el) => (el as HTMLElement).innerText);
    expect(text).toContain("证明材料");
    expect(text).toContain("上传文件");
    expect(text).toContain("允许的类型：PDF、JPG、PNG；单个文件不超过 10 MB；最多 5 个");
    expect(text).not.toMatch(/Upload|Add|Remove|Delete|Submit/);

    // A PDF, slowed down so the progress bar is seen.
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 50, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
    const bigPdf = Buffer.concat([FILES.pdf, Buffer.alloc(1024 * 1024, 0x20)]);
    await pick(file("学位证书（扫描件）.pdf", bigPdf));
    await page.waitForSelector("#harness .file-upload-list .ant-progress");
    expect(await page.$eval("#harness .file-upload-list", (el) => (el as HTMLElement).innerText)).toContain("正在上传「学位证书（扫描件）.pdf」");
    await page.waitForFunction(() => document.querySelectorAll("#harness .file-upload-list a").length === 1, { timeout: 30_000 });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await page.$("#harness .file-upload-list .ant-progress")).toBeNull();
    let ls = await links();
    expect(ls).toEqual([{ text: "学位证书（扫描件）.pdf", href: expect.stringMatching(/^\/files\/f_/), target: "_blank" }]);
    const pdfKey = ls[0].href!.slice("/files/".length);
    expect((await formData()).evidence).toEqual([pdfKey]);
    expect((await db.models.StoredFile.findOne({ where: { key: pdfKey } }))?.ownerId).toBe(userId);
    // The link serves the file inline to its owner.
    const served = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return { status: r.status, type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition") };
    }, ls[0].href!);
    expect(served).toEqual({ status: 200, type: "application/pdf", disposition: expect.stringMatching(/^inline; /) });

    // HTML named .pdf: the server's message shows under the field; the value is unchanged.
    await pick(file("fake.pdf", FILES.html));
    await page.waitForSelector("#harness .file-upload-list [role=alert]");
    expect(await page.$eval("#harness .file-upload-list [role=alert]", (el) => (el as HTMLElement).innerText)).toContain(
      "「fake.pdf」上传失败：文件类型不符：实际为 HTML，仅允许 PDF、JPG、PNG",
    );
    expect((await formData()).evidence).toEqual([pdfKey]);
    await page.click("#harness [aria-label='关闭提示']");
    expect(await page.$("#harness .file-upload-list [role=alert]")).toBeNull();

    // Too large: refused in the browser, nothing sent.
    const rowsBefore = await db.models.StoredFile.count({ where: { ownerId: userId } });
    await pick(file("huge.pdf", Buffer.concat([FILES.pdf, Buffer.alloc(11 * 1024 * 1024)])));
    await page.waitForSelector("#harness .file-upload-list [role=alert]");
    expect(await page.$eval("#harness .file-upload-list [role=alert]", (el) => (el as HTMLElement).innerText)).toContain("「huge.pdf」上传失败：文件超过 10 MB");
    expect(await db.models.StoredFile.count({ where: { ownerId: userId } })).toBe(rowsBefore);

    // A PNG next to it.
    await pick(file("照片.png", FILES.png));
    await page.waitForFunction(() => document.querySelectorAll("#harness .file-upload-list a").length === 2);
    ls = await links();
    expect(ls.map((l) => l.text)).toEqual(["学位证书（扫描件）.pdf", "照片.png"]);
    const pngKey = ls[1].href!.slice("/files/".length);
    expect(KEY_RE.test(pngKey)).toBe(true);
    expect((await formData()).evidence).toEqual([pdfKey, pngKey]);
    expect(await page.$eval("#harness .file-upload", (el) => (el as HTMLElement).innerText)).toContain("继续上传");

    // Remove the PDF, then submit: the value is the remaining key.
    await page.click("#harness [aria-label='删除 学位证书（扫描件）.pdf']");
    await page.waitForFunction(() => document.querySelectorAll("#harness .file-upload-list a").length === 1);
    expect((await formData()).evidence).toEqual([pngKey]);
    await page.click("#harness button[type=submit]");
    await page.waitForFunction(() => !!(window as any).__submitted);
    expect(await page.evaluate(() => (window as any).__submitted)).toEqual({ evidence: [pngKey] });
  });

  it("stops at maxItems: the button is disabled once the list is full", async () => {
    const one = { ...schema, properties: { evidence: { ...evidenceField, maxItems: 1 } } };
    await mount({ schema: one, uiSchema, formContext: { formId: FORM } });
    expect(await page.$eval("#harness .file-upload", (el) => (el as HTMLElement).innerText)).toContain("最多 1 个");
    await pick(file("one.png", FILES.png));
    await page.waitForFunction(() => document.querySelectorAll("#harness .file-upload-list a").length === 1);
    expect(await page.$eval("#harness .file-upload-picker button", (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  });

  it("read-only shows the files as links by name, without upload or remove", async () => {
    const key = `f_${crypto.randomBytes(24).toString("base64url")}`;
    await mount({
      schema, uiSchema, readonly: true, formData: { evidence: [key] },
      formContext: { formId: FORM, files: { [key]: { name: "毕业证书.pdf", size: 2048, mimeType: "application/pdf" } } },
    });
    expect(await links()).toEqual([{ text: "毕业证书.pdf", href: `/files/${key}`, target: "_blank" }]);
    expect(await page.$("#harness input[type=file]")).toBeNull();
    expect(await page.$("#harness [aria-label^='删除']")).toBeNull();
  });
});
