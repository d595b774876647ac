// The achievement categories of 我的业绩档案库 (forms/achievements/*.json), table-driven: every
// file there is checked against its fixture tests/fixtures/achievements/<slug>.json, so an 18th
// category is covered as soon as its file exists (and fails until its fixture is written).
import fs from "node:fs";
import path from "node:path";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { checkFormDefinition, type FormDefinition } from "~/engine/form-registry.server";
import { checkRules, type FieldRule } from "~/engine/rules";
import { createAjv, toFieldErrors, type FieldErrors } from "~/engine/validator";
import { browserValidator, transformErrors } from "~/components/schema-form";

const ROOT = path.resolve(__dirname, "../..");
const FORMS = path.join(ROOT, "forms/achievements");
const FIXTURES = path.join(ROOT, "tests/fixtures/achievements");

/** The manual's section 3.1–3.17, in order: [slug, title]. */
const MANUAL: [string, string][] = [
  ["education", "教育经历"],
  ["work", "工作经历"],
  ["training", "继续教育（培训）情况"],
  ["part-time-post", "学术技术兼职情况"],
  ["award", "获奖情况"],
  ["honor", "获得荣誉称号情况"],
  ["research-project", "主持参与科研项目（基金）情况"],
  ["engineering-project", "主持参与工程技术项目情况"],
  ["paper", "论文"],
  ["book", "著（译）作（教材）"],
  ["patent", "专利（著作权）情况"],
  ["standard", "主持（参与）制定标准情况"],
  ["adoption", "成果被批示、采纳、运用和推广情况"],
  ["qualification", "专业技术资格证书（考试）"],
  ["certificate", "资质证书"],
  ["reward-punishment", "奖惩情况"],
  ["appraisal", "考核情况"],
];

const REQUIRED_MESSAGE = "此项为必填项";

interface InvalidSample {
  data: Record<string, unknown>;
  field: string;
  message: string;
}
interface Fixture {
  valid: Record<string, unknown>[];
  invalid: InvalidSample[];
}

const files = fs.readdirSync(FORMS).filter((f) => f.endsWith(".json")).sort();
const categories = files.map((file) => {
  const m = /^(\d{2})-([a-z0-9-]+)\.json$/.exec(file);
  const slug = m?.[2] ?? file.replace(/\.json$/, "");
  const def = JSON.parse(fs.readFileSync(path.join(FORMS, file), "utf8")) as FormDefinition;
  const fixturePath = path.join(FIXTURES, `${slug}.json`);
  const fixture: Fixture | null = fs.existsSync(fixturePath) ? JSON.parse(fs.readFileSync(fixturePath, "utf8")) : null;
  return { file, nn: m ? Number(m[1]) : NaN, slug, def, fixture, fixtureRel: path.relative(ROOT, fixturePath) };
});

const ajv = createAjv();
const compiled = new Map<string, ValidateFunction>();
function validatorFor(def: FormDefinition) {
  let fn = compiled.get(def.id);
  if (!fn) compiled.set(def.id, (fn = ajv.compile({ ...def.schema, $id: undefined })));
  return fn;
}

/** Field errors the server reports for a record: schema (Ajv) first, then declared rules (as validateRecord). */
function serverErrors(def: FormDefinition, data: unknown): FieldErrors {
  const validate = validatorFor(def);
  if (!validate(data)) return toFieldErrors(validate.errors);
  return checkRules(def.meta?.rules as FieldRule[] | undefined, data);
}

/** Messages the browser's RJSF validator shows for the schema part (rules are a customValidate there). */
function browserMessages(def: FormDefinition, data: Record<string, unknown>): string[] {
  const { errors } = browserValidator.validateFormData(data, def.schema as any, undefined, transformErrors);
  return errors.map((e) => e.message ?? "");
}

describe("我的业绩档案库: the 17 categories of the manual", () => {
  it("has the manual's 17 categories in order 1..17, with the manual's titles", () => {
    const byOrder = categories.map((c) => c.def).sort((a, b) => a.meta.order! - b.meta.order!);
    expect(byOrder.slice(0, 17).map((d) => [d.id, d.title, d.meta.order, d.meta.manualSection])).toEqual(
      MANUAL.map(([slug, title], i) => [`achievement/${slug}`, title, i + 1, `3.${i + 1}`]),
    );
  });

  it("gives every category its own position", () => {
    const orders = categories.map((c) => c.def.meta.order);
    expect(new Set(orders).size).toBe(orders.length);
  });
});

describe.each(categories.map((c) => [c.file, c] as const))("forms/achievements/%s", (_file, { file, nn, slug, def, fixture, fixtureRel }) => {
  it("is a valid achievement definition named after its file", () => {
    expect(checkFormDefinition(def, `forms/achievements/${file}`)).toEqual([]);
    expect(file, "file name must be NN-<slug>.json").toMatch(/^\d{2}-[a-z0-9-]+\.json$/);
    expect(def.id).toBe(`achievement/${slug}`);
    expect(def.kind).toBe("achievement");
    expect(def.meta.order).toBe(nn);
    expect(def.meta.manualSection).toBe(`3.${nn}`);
  });

  it("follows the field conventions (maxLength, widgets, evidence files optional)", () => {
    const props = def.schema.properties as Record<string, any>;
    const problems: string[] = [];
    for (const [name, s] of Object.entries(props)) {
      const ui = (def.uiSchema[name] ?? {}) as Record<string, unknown>;
      if (s.type === "string" && !s.enum && s.maxLength === undefined) problems.push(`${name}: string without maxLength`);
      if (s.format === "year-month" && ui["ui:widget"] !== "year-month") problems.push(`${name}: year-month without the year-month widget`);
      if (s["x-file"]) {
        if (ui["ui:widget"] !== "file-upload") problems.push(`${name}: x-file without the file-upload widget`);
        if (s.type !== "array" || !s.maxItems || s.items?.maxLength === undefined) problems.push(`${name}: x-file must be a bounded array of file ids`);
        if ((def.schema.required ?? []).includes(name)) problems.push(`${name}: evidence files are not required at schema level`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`has a fixture (${fixtureRel})`, () => {
    expect(fixture, `缺少测试样例：请为 forms/achievements/${file} 添加 ${fixtureRel}（{"valid": [...], "invalid": [...]}）`).not.toBeNull();
    expect(fixture!.valid.length, "at least 2 valid samples").toBeGreaterThanOrEqual(2);
    expect(fixture!.invalid.length, "at least 3 invalid samples").toBeGreaterThanOrEqual(3);
    const rules = (def.meta.rules ?? []) as FieldRule[];
    expect(fixture!.invalid.some((s) => s.message === REQUIRED_MESSAGE), "an invalid sample missing a required field").toBe(true);
    expect(
      fixture!.invalid.some((s) => s.message !== REQUIRED_MESSAGE && !rules.some((r) => r.message.includes(s.message))),
      "an invalid sample with a wrong enum/format/range",
    ).toBe(true);
    for (const r of rules) {
      expect(
        fixture!.invalid.some((s) => s.field === r.field && r.message.includes(s.message)),
        `an invalid sample breaking the rule "${r.message}"`,
      ).toBe(true);
    }
  });

  it.each((fixture?.valid ?? []).map((data, i) => [i, data] as const))("valid sample %i passes the server and the browser", (_, data) => {
    expect(serverErrors(def, data)).toEqual({});
    expect(browserMessages(def, data)).toEqual([]);
  });

  it.each((fixture?.invalid ?? []).map((s) => [s.field || "(根)", s.message, s] as const))(
    "invalid on %s: %s",
    (_, __, { data, field, message }) => {
      const errors = serverErrors(def, data);
      // Exactly the one field the sample breaks, with the expected Chinese message.
      expect(Object.keys(errors)).toEqual([field]);
      expect(errors[field].join("；")).toContain(message);
      // The browser refuses the same schema errors with the same messages.
      if (!validatorFor(def)(data)) {
        const browser = browserMessages(def, data);
        expect(browser.length).toBeGreaterThan(0);
        expect(browser.join("；")).toContain(message);
      }
    },
  );
});
