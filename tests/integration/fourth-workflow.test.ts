// A fourth application type is a file: with WORKFLOWS_DIR pointing at a copy of workflows/ plus
// tests/fixtures/workflows/talent-direct.json (and its plan type), the applicant menu, the plan
// list, the wizard (in the fixture's own order, without the steps it omits) and submission work
// with no code change. On SQLite and Postgres.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { saveProfile } from "~/engine/people/profile.server";
import { createPlan } from "~/engine/plans.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { plain } from "~/utils/db.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import samplePaper from "../fixtures/achievements/paper.json";
import { startApply, walkToSubmit } from "../helpers/wizard";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zcps-workflows-"));
fs.cpSync(path.join(ROOT, "workflows"), dir, { recursive: true });
fs.copyFileSync(path.join(ROOT, "tests/fixtures/workflows/talent-direct.json"), path.join(dir, "talent-direct.json"));
const types = JSON.parse(fs.readFileSync(path.join(dir, "plan-types.json"), "utf8"));
types.planTypes.push({ planType: "职称直认", applicationType: "talent-direct", label: "高层次人才职称直接认定", recognitionTypes: [], acceptedBy: "committees" });
fs.writeFileSync(path.join(dir, "plan-types.json"), JSON.stringify(types));
// This process creates the plan through the engine, which reads plan types from the same folder.
process.env.WORKFLOWS_DIR = dir;

let ctx: TestServer;
beforeAll(async () => {
  ctx = await startTestServer({ WORKFLOWS_DIR: dir });
}, 120_000);
afterAll(async () => {
  await ctx?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("is offered, walked in its own order and submitted with its own number prefix", async () => {
  const { db, server } = ctx;
  const username = uniqueName("talent");
  const user = await createUser(db, { username, password: "Tulip-Harbor-2931", role: "applicant" });
  await saveProfile(db, user.id, validProfile(await unitId(db)), null);
  const paper = await createEntry(db, user.id, (await getCategory(db, "paper"))!, samplePaper.valid[0]);
  await db.models.AchievementEntry.update({ status: "approved" }, { where: { id: paper.id } });
  const gc = (await db.models.TitleSeries.findOne({ where: { name: "工程" } }))!;
  const spec = (await db.models.Specialty.findOne({ where: { seriesId: gc.id } }))!;
  const committee = (await db.models.Committee.findOne())!;
  const aff = (await db.models.Affiliation.findOne())!;
  const plan = await createPlan(db, {
    name: "2026年度高层次人才职称直接认定", planType: "职称直认", titleSeriesId: gc.id, titleLevel: "正高级", affiliationIds: [aff.id], year: 2026,
    opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 86_400_000 * 30).toISOString(),
    specialtyIds: [spec.id], committeeIds: [committee.id], acceptanceDepartmentIds: [], attachmentRequirements: [], eligibilityRules: [],
  });

  const c = new Client(server.url);
  expect((await c.login(username, "Tulip-Harbor-2931")).status).toBe(302);
  const home = (await (await c.get("/home")).text()).replace(/<!-- -->/g, "");
  expect(home).toContain('href="/plans?type=talent-direct"');
  expect(home).toContain("高层次人才职称直接认定");
  const list = (await (await c.get("/plans?type=talent-direct")).text()).replace(/<!-- -->/g, "");
  expect(list).toContain("2026年度高层次人才职称直接认定");

  const id = await startApply(c, plan.id);
  const seen: string[] = [];
  await walkToSubmit(c, id, { base: server.url, after: (s) => { seen.push(s); } });
  expect(seen).toEqual(["info", "record", "portrait", "done"]);
  const row = plain(await db.models.Application.findByPk(id))!;
  expect(row).toMatchObject({ status: "submitted", workflowId: "talent-direct", stage: "unit_review" });
  expect(row.number).toMatch(/^ZR2026\d{6}$/);
  expect(Object.keys(row.steps).sort()).toEqual(["done", "info", "portrait", "record"]);
  expect(plain(await db.models.Application.findByPk(id))!.steps.portrait.data).toMatchObject({ width: 354, height: 472 });
}, 120_000);
