// One lifecycle for every definition kind against a real DB (SQLite and Postgres): the boot sync
// publishes forms, plan types, templates and workflows with their format; plan types are versions
// that readers take from the DB, not the file; a template gets a new version when a partial it
// uses changes, and its old version still renders as it did; a version stored in an older format
// is read (and republished) through the kind's upgrade functions.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../helpers/db";
import { DEFINITIONS, getDefinition, publishDefinition, syncDefinitionFiles, type KindSpec } from "~/engine/definitions/index.server";
import type { FormDefinition } from "~/engine/form-registry.server";
import { planTypes } from "~/engine/plans.server";
import { renderTemplate } from "~/engine/templates.server";

const ROOT = path.resolve(__dirname, "../..");
let ctx: Awaited<ReturnType<typeof createTestDb>>;

beforeAll(async () => {
  ctx = await createTestDb();
});
afterAll(async () => ctx?.close());

function copyOf(folder: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `defs-${folder}-`));
  fs.cpSync(path.join(ROOT, folder), dir, { recursive: true });
  return dir;
}

describe("boot sync", () => {
  it("publishes every kind with its author and format, and is idempotent", async () => {
    const m = ctx.db.models;
    expect(await m.PlanTypeVersion.findOne({ raw: true })).toMatchObject({ version: 1, formatVersion: 1, createdBy: "seed:workflows/plan-types.json" });
    const templates = await m.TemplateVersion.findAll({ order: [["templateId", "ASC"]], raw: true });
    expect(templates.map((t) => [t.templateId, t.version, t.createdBy])).toEqual([
      ["pledge", 1, "seed:templates/pledge.hbs"],
      ["review-form/graduate-initial", 1, "seed:templates/review-form/graduate-initial.hbs"],
      ["review-form/title-review", 1, "seed:templates/review-form/title-review.hbs"],
      ["review-form/title-review-publicity", 1, "seed:templates/review-form/title-review-publicity.hbs"],
      ["review-form/transfer-recognition", 1, "seed:templates/review-form/transfer-recognition.hbs"],
    ]);
    expect(await m.FormVersion.count({ where: { formatVersion: 1 } })).toBe(await m.FormVersion.count());
    expect(await m.WorkflowVersion.count({ where: { formatVersion: 1 } })).toBe(3);
    // The stored workflow is content only: no meta-schema pointer, no format.
    const w = (await m.WorkflowVersion.findOne({ where: { workflowId: "title-review" } }))!;
    expect(w.definition).not.toHaveProperty("$schema");
    expect(w.definition).not.toHaveProperty("formatVersion");
    for (const kind of ["form", "plan-types", "template", "workflow"] as const) {
      expect((await syncDefinitionFiles(ctx.db, DEFINITIONS[kind] as KindSpec<any>)).published, kind).toBe(0);
    }
  });
});

describe("plan types", () => {
  it("are read from the published version, not the file", async () => {
    const kind = DEFINITIONS["plan-types"];
    const before = await planTypes(ctx.db);
    expect(before.map((t) => t.label)).toEqual(["职称评审申报", "大中专毕业生职称初定", "外省调入等职称认定"]);
    const changed = before.map((t, i) => (i === 0 ? { ...t, label: "职称评审申报（新）" } : t));
    const r = await publishDefinition(ctx.db, kind, { planTypes: changed }, { by: "admin", untrusted: true });
    expect(r).toMatchObject({ status: "published", version: 2 });
    expect((await planTypes(ctx.db))[0].label).toBe("职称评审申报（新）");
    expect((await getDefinition(ctx.db, kind, "plan-types", 1))!.planTypes[0].label).toBe("职称评审申报");
    // The file (still version 1, unchanged) publishes nothing on the next start; readers keep version 2.
    expect((await syncDefinitionFiles(ctx.db, kind)).published).toBe(0);
    expect((await planTypes(ctx.db))[0].label).toBe("职称评审申报（新）");
  });

  it("refuses a changed file that keeps its published version, and a duplicate plan type", async () => {
    const kind = DEFINITIONS["plan-types"];
    const dir = copyOf("workflows");
    try {
      const file = path.join(dir, "plan-types.json");
      const cfg = JSON.parse(fs.readFileSync(file, "utf8"));
      cfg.planTypes[1].label = "偷偷改了";
      fs.writeFileSync(file, JSON.stringify(cfg));
      await expect(syncDefinitionFiles(ctx.db, kind, dir)).rejects.toThrow("plan-types 的第 1 版已发布且内容不同；已发布的版本不可修改");
      cfg.planTypes[1] = { ...cfg.planTypes[0] };
      cfg.version = 3;
      fs.writeFileSync(file, JSON.stringify(cfg));
      await expect(syncDefinitionFiles(ctx.db, kind, dir)).rejects.toThrow("planTypes 中 planType「职称评审」重复");
      expect(await ctx.db.models.PlanTypeVersion.count()).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe("templates", () => {
  it("publish a new version when a partial they use changes; the old version renders as before", async () => {
    const kind = DEFINITIONS.template;
    const dir = copyOf("templates");
    try {
      expect((await syncDefinitionFiles(ctx.db, kind, dir)).published).toBe(0);
      // review-opinions is used by the four review forms (the 公示版 too), not by the pledge.
      fs.appendFileSync(path.join(dir, "partials/review-opinions.hbs"), "<p>审核意见栏已修订</p>");
      expect((await syncDefinitionFiles(ctx.db, kind, dir)).published).toBe(4);
      expect((await syncDefinitionFiles(ctx.db, kind, dir)).published).toBe(0);
      const latest = (id: string) => ctx.db.models.TemplateVersion.max("version", { where: { templateId: id } });
      expect([await latest("pledge"), await latest("review-form/title-review"), await latest("review-form/graduate-initial")]).toEqual([1, 2, 2]);

      // Deleting the partial file later changes nothing already published.
      fs.rmSync(path.join(dir, "partials/review-opinions.hbs"));
      const data = { application: { number: "PS2026000001" } };
      expect(await renderTemplate(ctx.db, "review-form/title-review", data, 1)).not.toContain("审核意见栏已修订");
      expect(await renderTemplate(ctx.db, "review-form/title-review", data, 2)).toContain("审核意见栏已修订");
      expect(await renderTemplate(ctx.db, "review-form/title-review", data)).toContain("审核意见栏已修订");
      await expect(syncDefinitionFiles(ctx.db, kind, dir)).rejects.toThrow("引用的片段「review-opinions」不存在");
      await expect(renderTemplate(ctx.db, "review-form/nope", data)).rejects.toThrow("模板不存在：review-form/nope");
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe("format versions", () => {
  // A fixture format 2 of the form kind (not a real format change): meta.summary became meta.description.
  const v2: KindSpec<FormDefinition> = {
    ...DEFINITIONS.form,
    format: {
      current: 2,
      upgrades: {
        1: (d) => {
          const { summary, ...meta } = (d.meta ?? {}) as Record<string, unknown>;
          return { ...d, meta: summary === undefined ? meta : { ...meta, description: summary } };
        },
      },
    },
  };
  const schema = { type: "object", required: ["name"], properties: { name: { type: "string", title: "名称", maxLength: 50 } } };

  it("reads a version stored in format 1 through the upgrades, and publishes format-1 input upgraded", async () => {
    const id = "achievement/old-format";
    // As stored before the (fixture) format change: written here directly, like a row of an older install.
    await ctx.db.models.FormVersion.create({
      formId: id, version: 1, kind: "achievement", title: "旧格式", schema, uiSchema: {}, formatVersion: 1, hash: "0".repeat(64), createdBy: "old",
      meta: { order: 901, titleField: "name", listColumns: [{ field: "name" }], summary: "旧格式的说明" },
    });
    const read = (await getDefinition(ctx.db, v2, id, 1))!;
    expect(read.meta.description).toBe("旧格式的说明");
    expect((read.meta as Record<string, unknown>).summary).toBeUndefined();

    const r = await publishDefinition(ctx.db, v2, { id, kind: "achievement", title: "旧格式", schema, uiSchema: {}, meta: { order: 901, titleField: "name", listColumns: [{ field: "name" }], summary: "第二版说明" } }, { by: "admin", untrusted: true, formatVersion: 1 });
    expect(r).toMatchObject({ status: "published", version: 2 });
    const row = (await ctx.db.models.FormVersion.findOne({ where: { formId: id, version: 2 } }))!;
    expect(row.formatVersion).toBe(2);
    expect(row.meta).toMatchObject({ description: "第二版说明" });
    expect(row.meta).not.toHaveProperty("summary");
  });
});
