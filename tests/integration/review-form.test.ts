// 【导出评审表】 over HTTP through the built server (Chromium renders), on SQLite and Postgres: the
// PDF carries the applicant's name, unit, every extracted achievement and the reviewers' opinions
// per stage; hostile field values print as text and reach no network; the applicant gets their own
// only, staff only in scope, anyone else 404. Batch export: 50 applications (12 on Postgres) → a ZIP of them with
// progress n/n (pg-boss on Postgres, the in-process queue on SQLite); a second concurrent job of
// the same user and a job over the cap are refused in Chinese; the ZIP is its owner's only.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { decideApplication } from "~/engine/workflow/review.server";
import { submitApplication } from "~/engine/workflow/applications.server";
import { zipEntryNames } from "~/engine/file-storage.server";
import { fileSource } from "~/utils/object-store.server";
import { uniqueName, unitId } from "../helpers/fixtures";
import { createUser } from "~/engine/people/users.server";
import { makeApplicant, makePlans, makeReviewers, passPublicity, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { startApply, stepAction, stepView, walkToSubmit, formData } from "../helpers/wizard";
import { pdfHasText, pdfPlain, pdfWords } from "../helpers/pdf-text";
import { execFileSync } from "node:child_process";
import { createEntry, getCategory } from "~/engine/archive.server";
import { reviewFormData } from "~/engine/pdf/review-form.server";
import { getWorkflow } from "~/engine/workflow/registry.server";
import sampleEducation from "../fixtures/achievements/education.json";
import sampleWork from "../fixtures/achievements/work.json";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let plans: Awaited<ReturnType<typeof makePlans>>;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let unit: number;

// A local listener the hostile values point at: every connection to it is counted.
let listener: http.Server;
let connections = 0;
let hostile: string[];

let appId: number;
let applicant: Awaited<ReturnType<typeof makeApplicant>>;
let applicantClient: Client;

const OPINIONS = ["同意推荐，该同志业绩突出。", "请补充近五年继续教育学时证明。", "同意上报。", "材料齐全，予以受理。"];

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

const version = async (id: number) => plain(await db.models.Application.findByPk(id))!.version;

async function pdfOf(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  return pdf;
}

beforeAll(async () => {
  listener = http.createServer((_req, res) => res.end("x"));
  listener.on("connection", () => connections++);
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as AddressInfo).port;
  hostile = ["<script>document.write('XSS')</script>", `<img src=http://127.0.0.1:${port}/img.png>`, "<iframe src=file:///etc/passwd></iframe>", "{{constructor}}"];

  ctx = await startTestServer();
  ({ server, db } = ctx);
  unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });

  // The applicant walks the wizard over HTTP, a hostile paper title in the archive and hostile
  // text in the application form's 工作总结.
  applicant = await makeApplicant(db, unit, { name: "张晓明", paperTitle: `深基坑监测研究${hostile.join("")}` });
  applicantClient = await login(applicant.username);
  appId = await startApply(applicantClient, plans.review);
  await walkToSubmit(applicantClient, appId, { base: server.url, stopAt: "info" });
  const view = await stepView(applicantClient, appId, "info");
  const data = { ...formData(view.data.view.form.id, view.data.view.form.schema.properties.specialty.enum[0]), workSummary: `任现职以来主持完成三项市政道路工程设计。${hostile.join("")}` };
  const saved = await stepAction(applicantClient, appId, "info", { intent: "next", version: view.data.app.version, data });
  expect(saved.status).toBe(204);
  const done = await walkToSubmit(applicantClient, appId, { base: server.url });
  expect(done.landed).toBe(`/records/${appId}?notice=submitted`);

  // Through the chain with opinions: 单位 通过, 单位公示 无异议, 主管部门 退回 → resubmitted → 通过, 受理 通过.
  await decideApplication(db, staff.unit, appId, "approve", OPINIONS[0], await version(appId));
  await passPublicity(db, staff.unit, appId);
  await decideApplication(db, staff.dept, appId, "return", OPINIONS[1], await version(appId), ["attachments"]);
  await submitApplication(db, applicant.id, appId, await version(appId));
  await decideApplication(db, staff.dept, appId, "approve", OPINIONS[2], await version(appId));
  await decideApplication(db, staff.office, appId, "approve", OPINIONS[3], await version(appId));
}, 240_000);

afterAll(async () => {
  await ctx?.stop();
  await new Promise((resolve) => listener?.close(resolve));
});

describe("review form PDF", () => {
  it("carries the applicant's name, unit, every extracted achievement title and each stage's opinions", async () => {
    const record = (await (await applicantClient.get(`/records/${appId}`)).text());
    expect(record).toContain(`/records/${appId}/review-form.pdf`);
    expect(record).toContain("导出评审表");
    const res = await applicantClient.get(`/records/${appId}/review-form.pdf`);
    const pdf = await pdfOf(res);
    const app = plain(await db.models.Application.findByPk(appId))!;
    expect(res.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent(`${app.number}_张晓明_评审表.pdf`)}`);
    const words = pdfWords(pdf);
    const text = pdfPlain(pdf);
    expect(text).toContain("专业技术职务任职资格评审表");
    expect(text).toContain("张晓明");
    expect(text).toContain("浙江工业大学");
    expect(text).toContain(app.number!);
    const titles = (await db.models.ApplicationAchievement.findAll({ where: { applicationId: appId }, raw: true })).map((s) => s.title);
    expect(titles.length).toBeGreaterThan(5);
    for (const t of titles) expect(pdfHasText(words, t), `achievement title ${t}`).toBe(true);
    for (const o of OPINIONS) expect(pdfHasText(words, o), `opinion ${o}`).toBe(true);
    for (const label of ["单位推荐意见", "主管部门审核意见", "受理意见", "评审委员会评审意见"]) expect(text).toContain(label);
    // Footer with the number and page numbers on every page.
    expect(text).toContain(`申报编号：${app.number}`);
    expect(text).toMatch(/第1页\/共\d+页/);
  }, 60_000);

  it("prints hostile field values as text and makes no request for them", async () => {
    const before = connections;
    const pdf = await pdfOf(await applicantClient.get(`/records/${appId}/review-form.pdf`));
    const words = pdfWords(pdf);
    expect(pdfHasText(words, `任现职以来主持完成三项市政道路工程设计。${hostile.join("")}`), "form field").toBe(true);
    for (const h of hostile) expect(pdfHasText(words, h), h).toBe(true);
    expect(pdfHasText(words, `深基坑监测研究${hostile.join("")}`), "achievement title").toBe(true);
    // The script did not run (its output would be XSS without the tags around it).
    expect(pdfPlain(pdf)).not.toMatch(/(?<!')XSS(?!')/);
    await new Promise((r) => setTimeout(r, 300));
    expect(connections - before).toBe(0);
    expect(connections).toBe(0);
  }, 60_000);

  it("is the applicant's own and in-scope staff's only: anyone else gets 404", async () => {
    const other = await makeApplicant(db, unit, { categories: [] });
    const otherClient = await login(other.username);
    expect((await otherClient.get(`/records/${appId}/review-form.pdf`)).status).toBe(404);
    expect((await otherClient.get(`/staff/applications/${appId}/review-form.pdf`)).status).toBe(404);
    expect((await applicantClient.get(`/records/999999/review-form.pdf`)).status).toBe(404);
    expect((await applicantClient.get(`/staff/applications/${appId}/review-form.pdf`)).status).toBe(404);

    // Staff in scope (each stage's reviewer) download it; staff of another unit get 404.
    for (const s of [staff.unit, staff.dept, staff.office]) {
      const c = await login(s.username);
      await pdfOf(await c.get(`/staff/applications/${appId}/review-form.pdf`));
      expect((await c.get(`/records/${appId}/review-form.pdf`)).status).toBe(404);
    }
    const otherUnit = (await db.models.Unit.findOne({ where: { name: "浙江大学" } }))!;
    const outsider = await createUser(db, { username: uniqueName("out"), password: PASSWORD, role: "unit_reviewer", scopes: { units: [otherUnit.creditCode] } });
    const c = await login(outsider.username);
    expect((await c.get(`/staff/applications/${appId}/review-form.pdf`)).status).toBe(404);
    // Not signed in: to the login page.
    expect((await new Client(server.url).get(`/records/${appId}/review-form.pdf`)).status).toBe(302);
  }, 90_000);
});

// Issue 16 items 8–10: what a person reads on paper. For each type, an applicant with every
// category plus entries that used to break (a long 毕业院校 ending in 研究所, a long unit name):
// pdftotext -layout must show every date and every short cell (dates, numbers, 省部级 …) whole on
// one line, no section heading as the last line of a page, the full ID number and 申报资格 as
// 职称名称（级别）. REVIEW_FORM_PDF_DIR=… keeps the PDFs (look at them with pdftoppm).
describe("review form layout", () => {
  const heading = /^\s*(（[一二三四五六七八九十]+）.+（\d+ 项）|[一二三四五六七八九十]+、\S+)\s*$/;
  for (const [key, qualification] of [["review", "高级工程师（副高级）"], ["initial", "助理工程师（初级助理级）"], ["recognition", "工程师（中级）"]] as const) {
    it(`${key}: no date or short name split across lines, headings kept with their table, full ID number, 申报资格 ${qualification}`, async () => {
      const person = await makeApplicant(db, unit, { name: "欧阳晓明" });
      for (const [slug, data] of [
        ["education", { ...sampleEducation.valid[0], startDate: "2012-09", endDate: "2015-06", school: "中国科学院宁波材料技术与工程研究所", major: "材料物理与化学" }],
        ["education", { ...sampleEducation.valid[0], startDate: "2015-09", endDate: "2019-06", school: "中国电建集团华东勘测设计研究院", major: "水工结构工程" }],
        ["work", { ...sampleWork.valid[0], startDate: "2019-07", endDate: "2023-06", unitName: "中国电建集团华东勘测设计研究院有限公司", department: "水工结构研究所" }],
      ] as const) {
        const e = await createEntry(db, person.id, (await getCategory(db, slug))!, data);
        await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: e.id } });
      }
      const { id } = await submitInProcess(db, person.id, plans[key], { extractAll: true });
      const c = await login(person.username);
      const pdf = await pdfOf(await c.get(`/records/${id}/review-form.pdf`));
      if (process.env.REVIEW_FORM_PDF_DIR) fs.writeFileSync(path.join(process.env.REVIEW_FORM_PDF_DIR, `${key}.pdf`), pdf);
      const layout = execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf, encoding: "utf8" });

      // Every date on the page is whole (an orphan 2008.0 / 6 or 2008. / 06 is not).
      const dates = [...layout.matchAll(/(?<![\dA-Za-z.\-/])(?:19|20)\d{2}(?:\.\d*|-\d{1,2}(?:-\d*)?)(?!\d)/g)].map((m) => m[0]);
      expect(dates.length).toBeGreaterThan(10);
      for (const d of dates) expect(d, `date ${d}`).toMatch(/^\d{4}(\.\d{2}|-\d{2}-\d{2}|-\d{2})$/);
      // Every cell of a no-wrap column (dates, ranges, numbers, short options) reads whole on one line.
      const app = plain(await db.models.Application.findByPk(id))!;
      const plan = plain(await db.models.Plan.findByPk(app.planId))!;
      const data = await reviewFormData(db, { app, plan, workflow: (await getWorkflow(db, app.workflowId, app.workflowVersion))! });
      const achievements = (data as unknown as { achievements: { columns: { nowrap: boolean }[]; rows: { cells: string[] }[] }[] }).achievements;
      const short = achievements.flatMap((g) => g.rows.flatMap((r) => r.cells.filter((v, i) => g.columns[i].nowrap && v)));
      expect(short.length).toBeGreaterThan(20);
      for (const v of short) expect(layout.includes(v), `「${v}」 whole on one line`).toBe(true);
      for (const name of ["中国科学院宁波材料技术与工程研究所", "中国电建集团华东勘测设计研究院有限公司"]) expect(pdfHasText(pdfWords(pdf), name), name).toBe(true);

      // A heading is never the last line of a page (the footer lines aside).
      const pages = layout.split("\f").filter((p) => p.trim());
      expect(pages.length).toBeGreaterThan(1);
      for (const [n, page] of pages.entries()) {
        const lines = page.split("\n").filter((l) => l.trim() && !/第\s*\d+\s*页\s*\/\s*共\s*\d+\s*页|申报编号/.test(l));
        expect(lines.at(-1) ?? "", `page ${n + 1} ends with a heading`).not.toMatch(heading);
      }

      // The committee's form: the full ID number; 申报资格 from the 职称系列's 各级别职称名称.
      const text = pdfPlain(pdf);
      expect(app.applicantIdNumber).toMatch(/^\d{17}[\dX]$/);
      expect(text).toContain(app.applicantIdNumber);
      expect(text).toContain(qualification);
    }, 180_000);
  }
});

// The batch size: 50 on SQLite (the in-process queue, as the demo runs it); on Postgres 12 are
// enough to show pg-boss fans the items out and counts them — rendering 50 PDFs twice cost CI
// two and a half minutes for nothing more.
const BATCH = process.env.TEST_DB === "postgres" ? 12 : 50;

describe("batch export", () => {
  let ids: number[] = [];
  let office: Client;

  beforeAll(async () => {
    // BATCH submitted applications of the same unit, made through the engine in this process.
    const people = [];
    for (let i = 0; i < BATCH; i++) people.push(await makeApplicant(db, unit, { name: `批量${String(i + 1).padStart(2, "0")}`, categories: ["paper"] }));
    ids = [];
    for (const p of people) ids.push((await submitInProcess(db, p.id, plans.review)).id);
    office = await login(staff.unit.username);
  }, 240_000);

  async function poll(c: Client, jobId: number, until: (j: any) => boolean) {
    for (let i = 0; i < 600; i++) {
      const res = await c.get(`/staff/exports/${jobId}?_data=${encodeURIComponent("routes/staff.exports_.$id")}`);
      expect(res.status).toBe(200);
      const { job } = await res.json() as { job: any };
      if (until(job)) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("export did not finish");
  }

  it(`${BATCH} selected applications → progress ${BATCH}/${BATCH} → a ZIP of ${BATCH} PDFs named by number and name, the owner's only`, async () => {
    const res = await office.action("/staff/exports", "routes/staff.exports", { ids });
    expect(res.status).toBe(204);
    const to = res.headers.get("x-remix-redirect")!;
    expect(to).toMatch(/^\/staff\/exports\/\d+$/);
    const jobId = Number(to.split("/").pop());

    // A second job while this one runs: refused, in Chinese.
    const again = await office.action("/staff/exports", "routes/staff.exports", { ids: ids.slice(0, 2) });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/已有一个导出任务正在进行/);

    const seen = new Set<number>();
    const job = await poll(office, jobId, (j) => { seen.add(j.done); return j.status === "done" || j.status === "failed"; });
    expect(job).toMatchObject({ status: "done", total: BATCH, done: BATCH, failed: 0, percent: 100, downloadable: true });
    expect(job.errors).toEqual([]);
    // The progress page and the list page render (Chinese, with the download button).
    const page = (await (await office.get(`/staff/exports/${jobId}`)).text()).replace(/<!-- -->/g, "");
    expect(page).toContain("批量导出评审表");
    expect(page).toContain(`已处理 <strong>${BATCH}</strong> / ${BATCH} 份`);
    expect(page).toContain("下载 ZIP");
    expect((await (await office.get("/staff/exports")).text())).toContain("评审表导出");

    const zip = await office.get(`/staff/exports/${jobId}/download`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(zip.headers.get("content-disposition")).toMatch(/^attachment; .*filename\*=UTF-8''/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zcps-zip-")), "export.zip");
    fs.writeFileSync(file, Buffer.from(await zip.arrayBuffer()));
    const names = await zipEntryNames(await fileSource(file));
    expect(names).toHaveLength(BATCH);
    const rows = (await db.models.Application.findAll({ where: { id: ids }, raw: true }));
    for (const r of rows) expect(names).toContain(`${r.number}_${r.applicantName}.pdf`);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    // Someone else: the job, its page and its ZIP do not exist for them.
    const dept = await login(staff.dept.username);
    expect((await dept.get(`/staff/exports/${jobId}`)).status).toBe(404);
    expect((await dept.get(`/staff/exports/${jobId}/download`)).status).toBe(404);
    expect((await applicantClient.get(`/staff/exports/${jobId}/download`)).status).toBe(404);

    // Finished: the user may start another — the whole filtered queue, here narrowed to one name.
    const byFilter = await office.action("/staff/exports", "routes/staff.exports", { filters: "view=all&q=批量07" });
    expect(byFilter.status).toBe(204);
    const second = await poll(office, Number(byFilter.headers.get("x-remix-redirect")!.split("/").pop()), (j) => j.status === "done" || j.status === "failed");
    expect(second).toMatchObject({ status: "done", total: 1, done: 1, failed: 0 });
  }, 240_000);

  it("refuses more than 500 applications, nothing selected, and ids out of scope", async () => {
    const many = Array.from({ length: 501 }, (_, i) => i + 1);
    const over = await office.action("/staff/exports", "routes/staff.exports", { ids: many });
    expect(over.status).toBe(422);
    expect((await over.json()).error).toMatch(/一次最多导出 500 份评审表/);
    const none = await office.action("/staff/exports", "routes/staff.exports", { ids: [] });
    expect(none.status).toBe(422);
    const foreign = await office.action("/staff/exports", "routes/staff.exports", { ids: [...ids.slice(0, 2), 999999] });
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error).toMatch(/不存在或不在您的范围内/);
    expect(await db.models.ExportJob.count({ where: { status: ["queued", "running"] } })).toBe(0);
  }, 60_000);
});
