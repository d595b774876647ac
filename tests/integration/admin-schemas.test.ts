// Standard JSON Schemas an admin might paste (tests/fixtures/admin-schemas), each published as a
// new category on a running server: an applicant saves the good sample (204), the bad ones are
// refused on the right field (422), the pages render, and once approved the read-only entry page
// shows the values as the formatter reads them (option titles, Chinese dates, nested and array values as text).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { createUser } from "~/engine/people/users.server";
import { publishFormVersion } from "~/engine/form-publish.server";
import { recordFields } from "~/engine/format-value";
import { idNumber, uniqueName, validProfile } from "../helpers/fixtures";

const DIR = path.resolve(__dirname, "../fixtures/admin-schemas");
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const PASSWORD = "Tulip-Harbor-2931";
const R = { newEntry: "routes/archive.$slug.new", review: "routes/review.entries.$id" };
const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

let srv: TestServer;
let applicant: Client;
let reviewer: Client;
let applicantId: number;

beforeAll(async () => {
  srv = await startTestServer();
  applicant = new Client(srv.server.url);
  const username = uniqueName("adms");
  await applicant.post("/register", { username, password: PASSWORD, confirmPassword: PASSWORD });
  const unit = await srv.db.models.Unit.findOne({ where: { name: "浙江工业大学" } });
  const res = await applicant.post("/profile", { data: validProfile(unit!.id, { name: `申请人${username.slice(-4)}`, idNumber: idNumber() }), version: null }, { json: true });
  expect(res.status).toBe(302);
  applicantId = (await srv.db.models.User.findOne({ where: { username } }))!.id;
  const revName = uniqueName("rev");
  await createUser(srv.db, { username: revName, password: PASSWORD, role: "unit_reviewer", scopes: { units: [unit!.creditCode] } });
  reviewer = new Client(srv.server.url);
  expect((await reviewer.login(revName, PASSWORD)).status).toBe(302);
});
afterAll(async () => srv?.stop());

describe.each(FILES.map((f) => [f]))("%s", (file) => {
  const { definition, valid, invalid } = JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8"));
  const slug = definition.id.replace(/^achievement\//, "");

  it("publishes, saves the good sample, refuses the bad ones on the right field, and shows the approved entry read-only", async () => {
    const published = await publishFormVersion(srv.db, { username: "form-admin" }, definition);
    expect(published.version).toBe(1);
    expect((await applicant.get(`/archive/${slug}/new`)).status).toBe(200);

    const ok = await applicant.action(`/archive/${slug}/new`, R.newEntry, { data: valid[0] });
    expect(ok.status, await ok.clone().text()).toBe(204);
    const row = (await srv.db.models.AchievementEntry.findOne({ where: { userId: applicantId, categoryId: definition.id }, order: [["id", "DESC"]] }))!;
    expect(row).toMatchObject({ status: "pending", formVersion: 1, title: valid[0].名称 });
    for (const s of valid.slice(1)) expect((await applicant.action(`/archive/${slug}/new`, R.newEntry, { data: s })).status).toBe(204);

    for (const bad of invalid) {
      const res = await applicant.action(`/archive/${slug}/new`, R.newEntry, { data: bad.data });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      const body = await res.json();
      expect(Object.keys(body.fieldErrors ?? {}), JSON.stringify(bad)).toContain(bad.field);
    }
    expect(await srv.db.models.AchievementEntry.count({ where: { userId: applicantId, categoryId: definition.id } })).toBe(valid.length);

    expect((await applicant.get(`/archive/${slug}`)).status).toBe(200);
    expect((await applicant.get(`/archive/${slug}/${row.id}`)).status).toBe(200);

    expect((await reviewer.action(`/review/entries/${row.id}`, R.review, { decision: "approve", version: row.version })).status).toBe(204);
    const page = await applicant.get(`/archive/${slug}/${row.id}`);
    expect(page.status).toBe(200);
    // The rendered page (not the loader data in its scripts) shows each value as the formatter reads it.
    const html = (await page.text()).replaceAll("<!-- -->", "").replace(/<script\b[\s\S]*?<\/script>/g, "");
    const fields = recordFields(definition.schema, definition.uiSchema, valid[0], { empty: "—" });
    expect(fields.map((f) => f.name).sort()).toEqual(expect.arrayContaining(Object.keys(valid[0]).sort()));
    for (const f of fields.filter((x) => x.name in valid[0])) expect(html, `${f.name} shown`).toContain(escape(f.value));
  });
});
