// One lifecycle for every definition kind (docs/decisions/009), without a database: every
// definition file names its meta-schema and format; problems are located in the file, in Chinese;
// a format change is an upgrade function applied on load; templates carry the partials they use;
// and versions of every kind are created in exactly one place.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFINITIONS, DefinitionError, loadDefinitionFiles, type KindSpec } from "~/engine/definitions/index.server";
import { metaSchemaOf } from "~/engine/definitions/lifecycle.server";
import type { FormDefinition } from "~/engine/form-registry.server";
import { locateJsonPath } from "~/engine/json-text";

const ROOT = path.resolve(__dirname, "../..");

function tempDir(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "defs-"));
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DefinitionError) return e.problems;
    throw e;
  }
  return [];
}

const FORM = "https://zcps.local/meta/form.schema.json";
const category = (over: Record<string, unknown> = {}) => ({
  $schema: FORM, formatVersion: 1, id: "achievement/x", version: 1, kind: "achievement", title: "示例",
  schema: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 20 } } },
  uiSchema: {}, meta: { order: 1, titleField: "name", listColumns: [{ field: "name" }] }, ...over,
});

describe("definition files", () => {
  const sets: [string, string, string][] = [
    ["forms", "form", FORM],
    ["tests/fixtures/forms", "form", FORM],
    ["workflows", "workflow", "https://zcps.local/meta/workflow.schema.json"],
    ["tests/fixtures/workflows", "workflow", "https://zcps.local/meta/workflow.schema.json"],
  ];
  const files = sets.flatMap(([dir, kind, uri]) => (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json") && !f.includes("_meta"))
    .map((f) => [`${dir}/${f}`, f.endsWith("plan-types.json") ? "https://zcps.local/meta/plan-types.schema.json" : f.endsWith("notifications.json") ? "https://zcps.local/meta/notifications.schema.json" : uri, kind] as const));

  it.each(files)("%s names its meta-schema and format", (file, uri) => {
    const def = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
    expect(def.$schema).toBe(uri);
    expect(def.formatVersion).toBe(1);
  });

  it("each meta-schema is the one its $schema names", () => {
    expect(metaSchemaOf(DEFINITIONS.form).id).toBe(FORM);
    expect(metaSchemaOf(DEFINITIONS.workflow).id).toBe("https://zcps.local/meta/workflow.schema.json");
    expect(metaSchemaOf(DEFINITIONS["plan-types"]).id).toBe("https://zcps.local/meta/plan-types.schema.json");
    expect(metaSchemaOf(DEFINITIONS.template).id).toBe("https://zcps.local/meta/template.schema.json");
  });

  it("loads every kind from the repository", () => {
    expect(loadDefinitionFiles(DEFINITIONS.form).length).toBeGreaterThan(17);
    expect(loadDefinitionFiles(DEFINITIONS.workflow).map((f) => f.def.id).sort()).toEqual(["graduate-initial", "title-review", "transfer-recognition"]);
    expect(loadDefinitionFiles(DEFINITIONS["plan-types"])[0].def.planTypes).toHaveLength(3);
    expect(loadDefinitionFiles(DEFINITIONS.template).map((f) => f.def.id)).toEqual(["pledge", "review-form/graduate-initial", "review-form/title-review-publicity", "review-form/title-review", "review-form/transfer-recognition"]);
  });
});

describe("problems are located in the file, in Chinese", () => {
  const load = (body: string) => {
    const dir = tempDir({ "x.json": body });
    try {
      return problemsOf(() => loadDefinitionFiles(DEFINITIONS.form, dir));
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  };

  it("a wrong value: the line of the field", () => {
    const text = JSON.stringify(category({ title: 7 }), null, 2);
    const line = text.split("\n").findIndex((l) => l.includes('"title": 7')) + 1;
    expect(load(text)).toEqual([`forms/x.json（第 ${line} 行第 12 列）: title 类型不正确，应为文本`]);
  });

  it("a missing field: where its object starts", () => {
    const { title: _t, ...rest } = category();
    expect(load(JSON.stringify(rest, null, 2))).toEqual(["forms/x.json（第 1 行第 1 列）: title 此项为必填项"]);
  });

  it("another kind's meta-schema in $schema", () => {
    const problems = load(JSON.stringify(category({ $schema: "https://zcps.local/meta/workflow.schema.json" }), null, 2));
    expect(problems).toEqual(["forms/x.json（第 2 行第 14 列）: $schema 取值不正确"]);
  });

  it("a format newer than this engine reads", () => {
    expect(load(JSON.stringify(category({ formatVersion: 3 }), null, 2))).toEqual(["forms/x.json（第 3 行第 20 列）: formatVersion 3 高于本系统支持的格式 1，请先升级系统"]);
  });

  it("locateJsonPath follows keys and indexes, and falls back to the deepest parent", () => {
    const text = '{\n  "a": [\n    {"b": 1},\n    {"b": "x"}\n  ]\n}';
    expect(locateJsonPath(text, ["a", "1", "b"])).toBe("第 4 行第 11 列");
    expect(locateJsonPath(text, ["a", "1", "c"])).toBe("第 4 行第 5 列");
    expect(locateJsonPath(text, [])).toBe("第 1 行第 1 列");
  });
});

describe("format versions", () => {
  // A fixture format 2 of the form kind (no real format change): meta.summary was renamed
  // meta.description. Files still in format 1 are upgraded when they are loaded.
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
  const old = category({ formatVersion: 1, meta: { ...category().meta, summary: "旧格式的说明" } });

  it("upgrades a format-1 file on load", () => {
    const dir = tempDir({ "x.json": JSON.stringify(old) });
    const [f] = loadDefinitionFiles(v2, dir);
    expect(f.def.meta.description).toBe("旧格式的说明");
    expect((f.def.meta as Record<string, unknown>).summary).toBeUndefined();
    // Neither the pointer nor the format is content.
    expect(f.def).not.toHaveProperty("$schema");
    expect(f.def).not.toHaveProperty("formatVersion");
    // A file without formatVersion is format 1.
    const { formatVersion: _f, ...unnumbered } = old;
    const dir2 = tempDir({ "x.json": JSON.stringify(unnumbered) });
    expect(loadDefinitionFiles(v2, dir2)[0].def.meta.description).toBe("旧格式的说明");
  });

  it("does not upgrade what is already current, and refuses the old spelling there", () => {
    const dir = tempDir({ "x.json": JSON.stringify({ ...old, formatVersion: 2 }) });
    expect(problemsOf(() => loadDefinitionFiles(v2, dir)).join("\n")).toContain("meta 不允许的字段：summary");
  });

  it("the real kinds are all at format 1 with no upgrades yet", () => {
    for (const spec of Object.values(DEFINITIONS)) expect(spec.format).toEqual({ current: 1, upgrades: {} });
  });
});

describe("templates carry the partials they use", () => {
  it("follows partials of partials, and only the ones used", () => {
    const byId = new Map(loadDefinitionFiles(DEFINITIONS.template).map((f) => [f.def.id, f.def]));
    const review = byId.get("review-form/title-review")!;
    // review-head brings the print CSS in as partials of its own.
    expect(Object.keys(review.partials).sort()).toEqual(["print-css", "review-achievements", "review-applicant", "review-cols4", "review-fields", "review-form-css", "review-head", "review-opinions", "review-pledge"]);
    expect(review.partials["print-css"]).toBe(fs.readFileSync(path.join(ROOT, "templates/partials/print.css"), "utf8"));
    expect(Object.keys(byId.get("pledge")!.partials)).toEqual(["print-css"]);
  });

  const bad: [string, string, string][] = [
    ["a missing partial", "<p>\n{{> nope}}</p>", "templates/t.hbs（第 2 行）: 引用的片段「nope」不存在（templates/partials/nope.hbs）"],
    ["a dynamic partial name", "{{> (lookup . 'x')}}", "templates/t.hbs（第 1 行）: 不支持动态的片段名"],
    ["a syntax error", "a\n{{#if x}}\n{{/each}}", "templates/t.hbs（第 2 行）: 模板语法错误：if doesn't match each"],
    ["a broken partial", "{{> broken}}", "templates/partials/broken.hbs（第 1 行）: 模板语法错误"],
  ];
  it.each(bad)("refuses %s, naming the file and line", (_, source, message) => {
    const dir = tempDir({ "t.hbs": source, "partials/broken.hbs": "{{#each}}" });
    try {
      expect(problemsOf(() => loadDefinitionFiles(DEFINITIONS.template, dir)).join("\n")).toContain(message);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("inline partials and @partial-block are the template's own", () => {
    const dir = tempDir({ "t.hbs": '{{#*inline "row"}}<tr></tr>{{/inline}}{{> row}}{{#> frame}}x{{/frame}}', "partials/frame.hbs": "<div>{{> @partial-block}}</div>" });
    try {
      expect(loadDefinitionFiles(DEFINITIONS.template, dir)[0].def.partials).toEqual({ frame: "<div>{{> @partial-block}}</div>" });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe("one place creates versions", () => {
  const sources = ["app", "db", "scripts", "server.ts"].flatMap((p) => {
    const full = path.join(ROOT, p);
    return fs.statSync(full).isFile() ? [full] : (fs.readdirSync(full, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(full, f));
  });

  it("no module writes a versions table itself", () => {
    const writers = sources.filter((f) => /\b(FormVersion|WorkflowVersion|PlanTypeVersion|TemplateVersion)\.(create|bulkCreate|upsert|update|destroy)\b/.test(fs.readFileSync(f, "utf8")));
    expect(writers.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it("the publisher is the one call that inserts a version, for every kind", () => {
    const lifecycle = fs.readFileSync(path.join(ROOT, "app/engine/definitions/lifecycle.server.ts"), "utf8");
    expect(lifecycle.match(/\.create\(/g)).toHaveLength(1);
    expect(lifecycle).toMatch(/spec\.store\.model\(db\)\.create\(/);
    for (const spec of Object.values(DEFINITIONS)) expect(typeof spec.store.toRow).toBe("function");
  });
});
