// Hostile input through the built server, on SQLite and Postgres (issue 10, items 11 and 12):
// a wizard draft (【上一步】) may be incomplete but never of a shape or size its form does not
// declare; the reviewer's review form of a returned application with such data stored earlier
// prints only what validates (never a 500); client numbers past the INTEGER range, an unknown
// wizard step and a 200 000-deep definition in the designer get a Chinese 4xx and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { decideApplication } from "~/engine/workflow/review.server";
import { startApplication } from "~/engine/workflow/applications.server";
import { makeApplicant, makePlans, makeReviewers, PASSWORD } from "../helpers/review-fixtures";
import { submitInProcess } from "../helpers/apply-inprocess";
import { formData, stepAction } from "../helpers/wizard";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { pdfPlain } from "../helpers/pdf-text";
import samplePaper from "../fixtures/achievements/paper.json";

let ctx: TestServer;
let server: RunningServer;
let db: Db;
let plans: Awaited<ReturnType<typeof makePlans>>;
let staff: Awaited<ReturnType<typeof makeReviewers>>;
let applicant: Awaited<ReturnType<typeof makeApplicant>>;
let applicantC: Client;
let appId: number;
let specialty: string;

const CJK = /[\u4e00-\u9fff]/;
const TOO_BIG = 2147483648; // 2^31: one past Postgres' INTEGER

async function login(username: string) {
  const c = new Client(server.url);
  expect((await c.login(username, PASSWORD)).status).toBe(302);
  return c;
}
const appRow = async (id: number) => plain(await db.models.Application.findByPk(id))!;

function deepObject(depth: number) {
  let v: unknown = "底";
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

beforeAll(async () => {
  ctx = await startTestServer();
  ({ server, db } = ctx);
  const unit = await unitId(db);
  plans = await makePlans(db);
  staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  applicant = await makeApplicant(db, unit, { name: "李四", categories: ["paper"] });
  // Submitted, then returned by the unit reviewer with 填写申报信息 unlocked for correction.
  appId = (await submitInProcess(db, applicant.id, plans.review)).id;
  await decideApplication(db, staff.unit, appId, "return", "请补充工作总结", (await appRow(appId)).version, ["info"]);
  applicantC = await login(applicant.username);
  const plan = plain(await db.models.Plan.findByPk(plans.review))!;
  specialty = (await db.models.Specialty.findByPk(plan.specialtyIds[0]))!.name;
}, 180_000);

afterAll(async () => {
  await ctx?.stop();
});

describe("wizard drafts (【上一步】 = intent save)", () => {
  const valid = () => formData("application/title-review", specialty, "李四");

  it.each([
    ["an unknown property", () => ({ ...valid(), injected: "x" }), ""],
    ["a 600 000-character text", () => ({ ...valid(), workSummary: "长".repeat(10) + "x".repeat(600_000) }), "workSummary"],
    ["a 3 000-deep object in a text field", () => ({ ...valid(), currentPosition: deepObject(3000) }), "currentPosition"],
    ["a value outside the field's options", () => ({ ...valid(), titleLevel: "特级" }), "titleLevel"],
    ["a choice outside the plan's list", () => ({ ...valid(), specialty: "不在计划中的专业" }), "specialty"],
  ])("refuses %s with a Chinese 422 and stores nothing", async (_what, make, field) => {
    const before = await appRow(appId);
    const res = await stepAction(applicantC, appId, "info", { intent: "save", goto: "info", version: before.version, data: make() });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toMatch(CJK);
    expect(Object.keys(body.fieldErrors)).toContain(field);
    const after = await appRow(appId);
    expect(after.version).toBe(before.version);
    expect(after.steps.info).toEqual(before.steps.info);
  });

  it("stores an incomplete draft (required fields missing, a text still short) and leaves the step incomplete", async () => {
    const before = await appRow(appId);
    const draft = { name: "李四", titleLevel: "副高级", workSummary: "尚未写完" };
    const res = await stepAction(applicantC, appId, "info", { intent: "save", version: before.version, data: draft });
    expect(res.status).toBe(200);
    const after = await appRow(appId);
    expect(after.version).toBe(before.version + 1);
    expect(after.steps.info).toEqual({ data: draft, completedAt: null });
  });
});

describe("the reviewer's review form of a returned application", () => {
  it("prints the fields that validate and leaves out what does not (stored before drafts were checked), never a 500", async () => {
    const row = await appRow(appId);
    // What the unchecked draft save used to store: unknown keys, an oversized text, a deep object.
    const stored = { ...formData("application/title-review", specialty, "李四"), currentPosition: "项目负责人甲乙丙", workSummary: "y".repeat(600_000), currentTitle: deepObject(3000), injected: { a: 1 } };
    await db.models.Application.update({ steps: { ...row.steps, info: { data: stored, completedAt: null } } }, { where: { id: appId } });
    const c = await login(staff.unit.username);
    const res = await c.get(`/staff/applications/${appId}/review-form.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = pdfPlain(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain("项目负责人甲乙丙");
    expect(text).not.toContain("yyyyyyyyyy");
    expect(text).not.toContain("底");
  }, 90_000);
});

describe("unknown wizard step", () => {
  it.each([
    ["save", { intent: "save", data: {} }],
    ["next", { intent: "next" }],
    ["submit", { intent: "submit" }],
  ])("answers 404 「申报步骤不存在」 to %s and changes nothing", async (_intent, body) => {
    const before = await appRow(appId);
    const res = await stepAction(applicantC, appId, "no-such-step", { ...body, version: before.version });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBe("申报步骤不存在");
    expect((await appRow(appId)).version).toBe(before.version);
  });

  it("answers 404 to an upload and to the page", async () => {
    const v = (await appRow(appId)).version;
    const up = await applicantC.upload(`/apply/${appId}/no-such-step?intent=upload&version=${v}&_data=${encodeURIComponent("routes/apply.$id.$step")}`, new Uint8Array(10), "a.jpg", "image/jpeg");
    expect(up.status).toBe(404);
    const page = await applicantC.get(`/apply/${appId}/no-such-step`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("申报步骤不存在");
  });
});

describe("numbers past the INTEGER range", () => {
  let admin: Client;
  let unitC: Client;
  let officeC: Client;
  let draftId: number;
  let entryId: number;

  beforeAll(async () => {
    const adminName = uniqueName("adm");
    await createUser(db, { username: adminName, password: PASSWORD, role: "admin" });
    admin = await login(adminName);
    unitC = await login(staff.unit.username);
    officeC = await login(staff.office.username);
    draftId = (await startApplication(db, applicant.id, plans.initial)).id;
    const entry = await createEntry(db, applicant.id, (await getCategory(db, "paper"))!, (samplePaper as any).valid[0]);
    entryId = entry.id;
  });

  const entryRow = async () => plain(await db.models.AchievementEntry.findByPk(entryId))!;

  /** The answer is a 4xx in Chinese, never a 500. */
  async function refused(res: Response, status?: number) {
    expect(res.status, await res.clone().text()).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
    if (status) expect(res.status).toBe(status);
    expect(await res.text()).toMatch(CJK);
  }

  it.each([TOO_BIG, 1e20, -1, 1.5, "1e3", "abc"])("version %s is refused and nothing changes", async (version) => {
    const entry = await entryRow();
    await refused(await applicantC.action(`/archive/paper/${entryId}`, "routes/archive.$slug.$id", { data: entry.data, version }), 400);
    await refused(await applicantC.action("/archive/paper", "routes/archive.$slug._index", { intent: "delete", id: String(entryId), version }), 400);
    await refused(await unitC.action(`/review/entries/${entryId}`, "routes/review.entries.$id", { decision: "approve", version }), 400);
    expect(await entryRow()).toMatchObject({ version: entry.version, status: "pending" });

    const draft = await appRow(draftId);
    await refused(await applicantC.action("/records", "routes/records._index", { id: draftId, version }), 400);
    expect(await appRow(draftId)).toMatchObject({ version: draft.version });

    const profile = plain(await db.models.Profile.findOne({ where: { userId: applicant.id } }))!;
    await refused(await applicantC.action("/profile", "routes/profile", { data: validProfile(await unitId(db), { name: "李四" }), version }), 400);
    expect(plain(await db.models.Profile.findOne({ where: { userId: applicant.id } }))!.version).toBe(profile.version);

    const plan = plain(await db.models.Plan.findByPk(plans.initial))!;
    await refused(await admin.action(`/admin/plans/${plans.initial}`, "routes/admin.plans.$id", { intent: "save", version, values: {} }), 400);
    await refused(await admin.action(`/admin/plans/${plans.initial}`, "routes/admin.plans.$id", { intent: "delete", version }), 400);
    expect(plain(await db.models.Plan.findByPk(plans.initial))!.version).toBe(plan.version);

    await refused(await officeC.action(`/staff/applications/${appId}`, "routes/staff.applications.$id", { action: "approve", version }));
    await refused(await admin.action("/admin/forms/achievement/paper", "routes/admin.forms.$", { intent: "draft", text: JSON.stringify({ title: "论文", schema: { type: "object", properties: {} }, uiSchema: {}, meta: {} }), draftVersion: version }), 400);
  });
});

describe("the form designer", () => {
  it("refuses a 200 000-deep definition with a Chinese 422 for draft, impact and publish, storing nothing", async () => {
    const adminName = uniqueName("adm");
    await createUser(db, { username: adminName, password: PASSWORD, role: "admin" });
    const admin = await login(adminName);
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const text = `{"title":"论文","schema":{"type":"object","properties":{"x":${deep}}},"uiSchema":{},"meta":{}}`;
    const versions = await db.models.FormVersion.count({ where: { formId: "achievement/paper" } });
    for (const intent of ["draft", "impact", "publish"]) {
      const res = await admin.action("/admin/forms/achievement/paper", "routes/admin.forms.$", { intent, text, draftVersion: null });
      expect(res.status, intent).toBe(422);
      expect((await res.json()).problems.join()).toMatch(/嵌套过深/);
    }
    const created = await admin.post("/admin/forms/new", { slug: "deep-one", title: "深", order: "901", listColumns: "x", fields: `{"schema":{"type":"object","properties":{"x":${deep}}}}` });
    expect(created.status).toBe(422);
    expect(await created.text()).toMatch(/嵌套过深/);
    expect(await db.models.FormVersion.count({ where: { formId: "achievement/paper" } })).toBe(versions);
    expect(await db.models.FormVersion.count({ where: { formId: "achievement/deep-one" } })).toBe(0);
    // The server is still there.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
