// Form registry against a real DB: file versions published once, immutable, cached validators,
// dictionary references checked.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../helpers/db";
import { FormConfigError, getForm, syncFormFiles, validateRecord, validatorStats } from "~/engine/form-registry.server";
import { unitId, validProfile } from "../helpers/fixtures";

let ctx: Awaited<ReturnType<typeof createTestDb>>;
const FORMS = path.resolve(__dirname, "../../forms");

beforeAll(async () => {
  ctx = await createTestDb();
});
afterAll(async () => ctx?.close());

function formsDirWith(extra: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forms-"));
  fs.cpSync(FORMS, dir, { recursive: true });
  for (const [name, body] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
  return dir;
}
const sample = (version: number, title = "样例") => ({
  id: "sample", version, kind: "achievement", title,
  schema: { type: "object", required: ["a"], properties: { a: { type: "string", maxLength: 3 } } },
  uiSchema: {},
  meta: { order: 99, titleField: "a", listColumns: [{ field: "a" }] },
});

describe("form registry", () => {
  it("has published the profile form from forms/ at setup, with hash and author", async () => {
    const form = await getForm(ctx.db, "profile");
    const file = JSON.parse(fs.readFileSync(path.join(FORMS, "profile.json"), "utf8"));
    expect(form).toMatchObject({ id: "profile", version: file.version, kind: "profile", title: "个人基本信息", createdBy: "seed:forms/profile.json" });
    expect(form!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await getForm(ctx.db, "nope")).toBeNull();
    expect(await getForm(ctx.db, "profile", 99)).toBeNull();
  });

  it("publishes a new file version, keeps the old one, and is idempotent", async () => {
    const dir = formsDirWith({ "sample.json": sample(1) });
    expect((await syncFormFiles(ctx.db, dir)).published).toBe(1);
    expect((await syncFormFiles(ctx.db, dir)).published).toBe(0);
    const dir2 = formsDirWith({ "sample.json": sample(1), "sample-v2.json": { ...sample(2, "样例第二版") } });
    expect((await syncFormFiles(ctx.db, dir2)).published).toBe(1);
    expect((await getForm(ctx.db, "sample"))!.title).toBe("样例第二版");
    expect((await getForm(ctx.db, "sample", 1))!.title).toBe("样例");
  });

  it("refuses a changed file that keeps a published version number", async () => {
    const dir = formsDirWith({ "sample.json": sample(1, "偷偷改了") });
    await expect(syncFormFiles(ctx.db, dir)).rejects.toThrow(FormConfigError);
    await expect(syncFormFiles(ctx.db, dir)).rejects.toThrow("已发布的版本不可修改");
    expect((await getForm(ctx.db, "sample", 1))!.title).toBe("样例");
  });

  it("validates records: schema, then dictionary references in the DB", async () => {
    const form = (await getForm(ctx.db, "profile"))!;
    const unit = await unitId(ctx.db);
    expect((await validateRecord(ctx.db, form, validProfile(unit))).ok).toBe(true);
    const bad = await validateRecord(ctx.db, form, validProfile(123456789));
    expect(bad).toEqual({ ok: false, fieldErrors: { unitId: ["所选工作单位不存在，请重新选择"] } });
  });

  it("compiles each version's validator once (cache keyed by hash)", async () => {
    const form = (await getForm(ctx.db, "profile"))!;
    const unit = await unitId(ctx.db);
    await validateRecord(ctx.db, form, validProfile(unit));
    const before = validatorStats();
    for (let i = 0; i < 20; i++) await validateRecord(ctx.db, form, validProfile(unit));
    const after = validatorStats();
    expect(after.misses).toBe(before.misses);
    expect(after.hits - before.hits).toBe(20);
  });
});
