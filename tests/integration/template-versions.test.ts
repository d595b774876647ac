// Templates are versioned definitions (docs/decisions/009), through the built server on SQLite and
// Postgres: an application pins the template versions of its submission, so after the review-form
// template file (and a partial it uses, and the pledge) change and the server restarts, an approved
// application re-prints with the same pdftotext text and shows the same pledge, while a new
// application prints with the new templates; one submitted before pins existed prints with the
// latest. The data handed to the review-form template is exactly what
// templates/_meta/review-form-data.schema.json and the step kinds' review-form.schema.json describe.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { createAjv, toFieldErrors } from "~/engine/validator";
import { decideApplication } from "~/engine/workflow/review.server";
import { loadOwn } from "~/engine/workflow/applications.server";
import { reviewFormData, reviewFormDataSchema } from "~/engine/pdf/review-form.server";
import { unitId } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-templates-"));
fs.cpSync(path.join(ROOT, "templates"), dir, { recursive: true });

const REVISED_TITLE = "（2027年修订版）";
const REVISED_LABEL = "联系地址（修订）";
const REVISED_PLEDGE = "本人已阅读修订版保证书。";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let plans: Awaited<ReturnType<typeof makePlans>>;
let unit: number;
let first: { id: number; username: string };

const version = async (id: number) => plain(await db.models.Application.findByPk(id))!.version;

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}

/** pdftotext of the application's review form, downloaded as its applicant. */
async function printed(app: { id: number; username: string }) {
  const res = await (await login(app.username)).get(`/records/${app.id}/review-form.pdf`);
  expect(res.status).toBe(200);
  return execFileSync("pdftotext", ["-layout", "-", "-"], { input: Buffer.from(await res.arrayBuffer()), encoding: "utf8" });
}

/** Text without whitespace: a heading may wrap in the PDF. */
const squash = (text: string) => text.replace(/\s+/g, "");

async function recordPage(app: { id: number; username: string }) {
  const res = await (await login(app.username)).get(`/records/${app.id}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** A submitted 大中专毕业生职称初定 application, approved through its chain when asked. */
async function application(name: string, approve: boolean) {
  const a = await makeApplicant(db, unit, { name, categories: ["education", "work", "paper"] });
  const { id } = await submitInProcess(db, a.id, plans.initial);
  if (approve) {
    await decideApplication(db, staff.unit, id, "approve", "同意推荐。", await version(id));
    await decideApplication(db, staff.office, id, "approve", "材料齐全，准予初定。", await version(id));
    expect(plain(await db.models.Application.findByPk(id))!.status).toBe("approved");
  }
  return { id, username: a.username, userId: a.id };
}

beforeAll(async () => {
  ctx = await startTestServer({ TEMPLATES_DIR: dir });
  ({ server, db } = ctx);
  unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  first = await application("周定稿", true);
}, 240_000);

afterAll(async () => {
  // The server may have been restarted: stop the one running now (ctx's first one has exited).
  await server?.stop();
  await ctx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("review-form data", () => {
  // templates/_meta/review-form-data.schema.json with each step kind's keys (its review-form.schema.json).
  const schema = reviewFormDataSchema();
  const validate = createAjv({ strict: true, strictTypes: false, allowUnionTypes: true }).compile({ ...schema, $id: undefined });

  it("is described exactly by the review-form data schema (approved, and still in review)", async () => {
    const inReview = await application("吴审核", false);
    for (const app of [first, inReview]) {
      const l = await loadOwn(db, (await db.models.Application.findByPk(app.id))!.userId, app.id);
      const data = JSON.parse(JSON.stringify(await reviewFormData(db, l)));
      expect(validate(data), JSON.stringify(toFieldErrors(validate.errors))).toBe(true);
      // The fixture exercises the optional parts too: photo, signature, achievements, opinions.
      expect(data.photo).toMatch(/^data:image\/jpeg;base64,/);
      expect(data.signature.image).toMatch(/^data:image\/png;base64,/);
      expect(data.achievements.length).toBeGreaterThan(0);
    }
    const approved = JSON.parse(JSON.stringify(await reviewFormData(db, await loadOwn(db, (await db.models.Application.findByPk(first.id))!.userId, first.id))));
    expect(approved.reviewStages.every((s: { latest: unknown }) => s.latest)).toBe(true);
    // An undocumented field is refused, so the schema cannot silently fall behind the data.
    expect(validate({ ...approved, newField: "x" })).toBe(false);
    expect(validate({ ...approved, applicant: { ...approved.applicant, gender: "女" } })).toBe(false);
  }, 120_000);
});

describe("pinned template versions", () => {
  it("pins the latest template versions at submission", async () => {
    const app = plain(await db.models.Application.findByPk(first.id))!;
    expect(app.templateVersions).toEqual({ "review-form/graduate-initial": 1, pledge: 1 });
  });

  it("re-prints an approved application identically after its template changed; a new one prints with the new template", async () => {
    const before = await printed(first);
    expect(before).toContain("大中专毕业生专业技术资格初定审批表");
    expect(before).toContain("通讯地址");
    expect(squash(before)).not.toContain(REVISED_TITLE);
    expect(await recordPage(first)).toContain("专业技术资格申报材料真实性保证书");

    // Change the template, a partial it uses (the review forms of the other types use it too) and the pledge; restart.
    const edit = (file: string, from: string, to: string) => {
      const p = path.join(dir, file);
      const text = fs.readFileSync(p, "utf8");
      expect(text).toContain(from);
      fs.writeFileSync(p, text.replace(from, to));
    };
    edit("review-form/graduate-initial.hbs", "初定审批表</h1>", `初定审批表${REVISED_TITLE}</h1>`);
    edit("partials/review-applicant.hbs", "通讯地址", REVISED_LABEL);
    edit("pledge.hbs", "<table class=\"sign\">", `<p>${REVISED_PLEDGE}</p>\n<table class="sign">`);
    await server.stop();
    server = await startServer(ctx.target, { TEMPLATES_DIR: dir });

    const versions = await db.models.TemplateVersion.findAll({ attributes: ["templateId", "version"], order: [["templateId", "ASC"], ["version", "ASC"]], raw: true });
    expect(versions.map((v) => `${v.templateId}@${v.version}`)).toEqual([
      "pledge@1", "pledge@2", "review-form/graduate-initial@1", "review-form/graduate-initial@2",
      "review-form/title-review@1", "review-form/title-review@2", "review-form/title-review-publicity@1", "review-form/transfer-recognition@1", "review-form/transfer-recognition@2",
    ]);

    // The approved application: the same text, the same pledge.
    expect(await printed(first)).toBe(before);
    expect(await recordPage(first)).not.toContain(REVISED_PLEDGE);

    // A new application prints (and shows its pledge) with the new versions.
    const second = await application("郑新版", true);
    expect(plain(await db.models.Application.findByPk(second.id))!.templateVersions).toEqual({ "review-form/graduate-initial": 2, pledge: 2 });
    const now = squash(await printed(second));
    expect(now).toContain(REVISED_TITLE);
    expect(now).toContain(REVISED_LABEL);
    expect(await recordPage(second)).toContain(REVISED_PLEDGE);

    // An application submitted before versions were pinned prints with the latest.
    await db.models.Application.update({ templateVersions: null }, { where: { id: first.id } });
    const unpinned = squash(await printed(first));
    expect(unpinned).toContain(REVISED_TITLE);
    expect(unpinned).toContain(REVISED_LABEL);
  }, 240_000);
});
