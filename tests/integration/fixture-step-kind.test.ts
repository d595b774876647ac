// A new step kind is its own folder: the fixture kind fixture-checklist exists only as
// app/engine/workflow/steps/fixture-checklist/, app/components/wizard/steps/fixture-checklist.tsx
// and its name in the meta-schema's kind enum (tests/unit/step-kinds.test.ts checks that nothing
// else names it). With WORKFLOWS_DIR pointing at a copy of workflows/ plus the fixture workflow
// tests/fixtures/workflows/checklist-fixture.json, it is walked through HTTP against the built
// server: its page and view, its options-driven validation, submission, the record page summary and
// its part of the review-form data. On SQLite and Postgres.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { plain } from "~/utils/db.server";
import { createAjv, toFieldErrors } from "~/engine/validator";
import { loadOwn } from "~/engine/workflow/applications.server";
import { reviewFormData, reviewFormDataSchema } from "~/engine/pdf/review-form.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { startApply, stepAction, stepView, walkToSubmit, redirectOf } from "../helpers/wizard";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-workflows-"));
fs.cpSync(path.join(ROOT, "workflows"), dir, { recursive: true });
fs.copyFileSync(path.join(ROOT, "tests/fixtures/workflows/checklist-fixture.json"), path.join(dir, "checklist-fixture.json"));
const types = JSON.parse(fs.readFileSync(path.join(dir, "plan-types.json"), "utf8"));
types.planTypes.push({ planType: "清单测试", applicationType: "checklist-fixture", label: "清单测试申报", recognitionTypes: [], acceptedBy: "committees" });
fs.writeFileSync(path.join(dir, "plan-types.json"), JSON.stringify(types));
process.env.WORKFLOWS_DIR = dir;

let ctx: TestServer;
beforeAll(async () => {
  ctx = await startTestServer({ WORKFLOWS_DIR: dir });
}, 120_000);
afterAll(async () => {
  await ctx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("is shown, validated by its options, submitted, summarised and printed", async () => {
  const { db, server } = ctx;
  const username = uniqueName("check");
  const user = await createUser(db, { username, password: "Tulip-Harbor-2931", role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db)), null);
  const gc = (await db.models.TitleSeries.findOne({ where: { name: "工程" } }))!;
  const committee = (await db.models.Committee.findOne())!;
  const aff = (await db.models.Affiliation.findOne())!;
  const plan = await createPlan(db, {
    name: "2026年度清单测试申报", planType: "清单测试", titleSeriesId: gc.id, titleLevel: "中级", affiliationIds: [aff.id], year: 2026,
    opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 86_400_000 * 30).toISOString(),
    specialtyIds: [], committeeIds: [committee.id], acceptanceDepartmentIds: [], attachmentRequirements: [], eligibilityRules: [],
  });

  const c = new Client(server.url);
  expect((await c.login(username, "Tulip-Harbor-2931")).status).toBe(302);
  const id = await startApply(c, plan.id);

  // The page: server-rendered by the kind's body, its view from the kind's handler.
  const html = (await (await c.get(`/apply/${id}/checklist`)).text()).replace(/<!-- -->/g, "");
  expect(html).toContain("请至少勾选 2 项");
  expect(html).toContain("已读须知");
  const v = await stepView(c, id, "checklist");
  expect(v.data.kind).toBe("fixture-checklist");
  expect(v.data.view).toEqual({ items: [{ index: 0, label: "材料真实", checked: false }, { index: 1, label: "本人申报", checked: false }, { index: 2, label: "已读须知", checked: false }], minChecked: 2 });

  // Its options decide what 【下一步】 accepts; a refusal stores nothing.
  const version = v.data.app.version;
  const few = await stepAction(c, id, "checklist", { intent: "next", version, checked: [1] });
  expect(few.status).toBe(422);
  expect((await few.json()).error).toBe("请至少勾选 2 项（已勾选 1 项）");
  const unknown = await stepAction(c, id, "checklist", { intent: "next", version, checked: [0, 7] });
  expect(unknown.status).toBe(422);
  expect(plain(await db.models.Application.findByPk(id))!.steps).toEqual({});
  const ok = await stepAction(c, id, "checklist", { intent: "next", version, checked: [2, 0] });
  expect(redirectOf(ok)).toBe(`/apply/${id}/done`);
  expect((await stepView(c, id, "checklist")).data.view.items.map((i: { checked: boolean }) => i.checked)).toEqual([true, false, true]);

  // The rest of the wizard is the engine's as usual.
  await walkToSubmit(c, id, { base: server.url });
  const row = plain(await db.models.Application.findByPk(id))!;
  expect(row).toMatchObject({ status: "submitted", workflowId: "checklist-fixture", stage: "unit_review" });
  expect(row.number).toMatch(/^QD2026\d{6}$/);
  expect(row.steps.checklist.data).toMatchObject({ checked: [0, 2] });

  // Its summary on the record page, and its keys in the review-form data (described by its folder).
  const record = (await (await c.get(`/records/${id}`)).text()).replace(/<!-- -->/g, "");
  expect(record).toContain("材料真实、已读须知");
  const data = JSON.parse(JSON.stringify(await reviewFormData(db, await loadOwn(db, user.id, id))));
  expect(data.checklists).toEqual([{ stepId: "checklist", title: "确认清单", checked: ["材料真实", "已读须知"] }]);
  const validate = createAjv({ strict: true, strictTypes: false, allowUnionTypes: true }).compile({ ...reviewFormDataSchema(), $id: undefined });
  expect(validate(data), JSON.stringify(toFieldErrors(validate.errors))).toBe(true);
}, 120_000);
