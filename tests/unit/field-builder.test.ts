// The visual field builder: every field type round-trips through JSON Schema + uiSchema + meta,
// the generated definition passes the admin schema checks, validates good and bad samples with the
// server's Ajv and the browser's RJSF validator, and conditional fields render only when shown.
import fs from "node:fs";
import path from "node:path";
import { retrieveSchema } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import { describe, expect, it } from "vitest";
import { builderProblems, definitionToFields, FIELD_TYPES, fieldsToDefinition, newField, type BuilderField, type Definition } from "~/engine/field-builder";
import { checkAdminSchema } from "~/engine/schema-safety.server";
import { createAjv, RJSF_VALIDATOR_OPTIONS } from "~/engine/validator";

const base: Definition = { title: "技术推广应用情况", schema: { type: "object" }, uiSchema: {}, meta: { order: 950, icon: "ToolOutlined", titleField: "name" } };

const fields: BuilderField[] = [
  { name: "name", label: "项目名称", type: "text", required: true, minLength: 2, maxLength: 60, listColumn: true, help: "项目全称" },
  { name: "summary", label: "推广内容", type: "textarea", required: false, maxLength: 2000, listColumn: false },
  { name: "amount", label: "经济效益（万元）", type: "number", required: false, min: 0, max: 100000, listColumn: true },
  { name: "people", label: "参与人数", type: "integer", required: true, min: 1, max: 500, listColumn: false },
  { name: "day", label: "开始日期", type: "date", required: true, listColumn: true },
  { name: "month", label: "完成年月", type: "year-month", required: false, listColumn: false },
  { name: "level", label: "推广范围", type: "select", required: true, options: ["省级", "市级", "县级"], listColumn: true },
  { name: "areas", label: "应用领域", type: "multiselect", required: false, options: ["农业", "工业", "服务业"], min: 1, max: 2, listColumn: false },
  { name: "awarded", label: "是否获奖", type: "boolean", required: false, listColumn: false },
  { name: "awardName", label: "奖项名称", type: "text", required: true, maxLength: 40, listColumn: false, showWhen: { field: "awarded", equals: true } },
  { name: "provinceNo", label: "省级备案号", type: "text", required: false, maxLength: 20, listColumn: false, showWhen: { field: "level", equals: "省级" } },
  { name: "proof", label: "证明材料", type: "file", required: true, file: { accept: ["application/pdf", "image/png"], maxSize: 5 * 1024 * 1024, maxCount: 3 }, listColumn: false },
  { name: "leaderId", label: "负责人身份证号", type: "id-card", required: false, listColumn: false },
  { name: "phone", label: "联系电话", type: "mobile", required: false, listColumn: false },
  { name: "mail", label: "电子邮箱", type: "email", required: false, maxLength: 80, listColumn: false },
  { name: "site", label: "项目网址", type: "url", required: false, listColumn: false },
  { name: "source", label: "经费来源", type: "dictionary", dictionary: "departments", required: false, listColumn: false },
];

const good = {
  name: "水稻种植技术推广", people: 12, day: "2023-05-01", level: "市级", proof: ["f_abcdefghijklmnopqrstuvwx"],
  summary: "……", amount: 12.5, month: "2024-01", areas: ["农业"], awarded: false,
  leaderId: "11010519491231002X", phone: "13800138000", mail: "a@b.cn", site: "https://example.cn/x",
};

const def = () => fieldsToDefinition(fields, base);
const full = () => ({ id: "achievement/tech-promotion", version: 1, kind: "achievement", ...def() });

describe("fieldsToDefinition", () => {
  it("covers every field type", () => {
    expect(new Set(fields.map((f) => f.type))).toEqual(new Set(FIELD_TYPES));
  });

  it("passes the admin schema checks (every pattern/format string has a maxLength)", () => {
    expect(checkAdminSchema(full())).toEqual([]);
  });

  it("writes list columns, order, widgets and help", () => {
    const d = def();
    expect(d.meta.listColumns).toEqual([{ field: "name" }, { field: "amount" }, { field: "day" }, { field: "level" }]);
    expect(d.uiSchema["ui:order"]).toEqual(fields.map((f) => f.name));
    expect(d.uiSchema.name).toEqual({ "ui:help": "项目全称" });
    expect(d.uiSchema.proof).toEqual({ "ui:widget": "file-upload" });
    expect(d.uiSchema.month).toEqual({ "ui:widget": "year-month" });
    expect(d.schema.properties.proof["x-file"]).toEqual({ accept: ["application/pdf", "image/png"], maxSize: 5 * 1024 * 1024 });
    expect(d.schema.properties.source).toEqual({ type: "integer", title: "经费来源", "x-dictionary": "departments" });
    expect(d.uiSchema.source).toEqual({ "ui:widget": "dictionary-search" });
    expect(builderProblems([{ ...fields[fields.length - 1], dictionary: "" }])).toEqual(["第 1 个字段（经费来源）：请选择字典"]);
    expect(d.schema.propertyNames.enum).toEqual(fields.map((f) => f.name));
    expect(d.schema.additionalProperties).toBeUndefined();
  });

  it("a form without conditional fields is closed by additionalProperties false", () => {
    const d = fieldsToDefinition(fields.filter((f) => !f.showWhen), base);
    expect(d.schema.additionalProperties).toBe(false);
    expect(d.schema.allOf).toBeUndefined();
  });
});

describe("definitionToFields", () => {
  it("round-trips every field type", () => {
    const read = definitionToFields(def());
    expect(read.unsupported).toEqual([]);
    expect(read.fields).toEqual(fields.map((f) => normalised(f)));
    expect(fieldsToDefinition(read.fields, def())).toEqual(def());
  });

  it("keeps what it cannot represent and says so", () => {
    const d = def();
    d.schema.properties.code = { type: "string", title: "编号", pattern: "^[0-9]{6}$", maxLength: 6 };
    d.schema.dependencies = { amount: ["people"] };
    d.uiSchema.code = { "ui:placeholder": "六位数字" };
    d.uiSchema["ui:order"].push("code");
    const read = definitionToFields(d);
    expect(read.unsupported).toEqual(["字段 code：仅可在 JSON 视图中编辑", "schema.dependencies：仅可在 JSON 视图中编辑"]);
    const code = read.fields.find((f) => f.name === "code")!;
    expect(code.type).toBe("json");
    const back = fieldsToDefinition(read.fields, d);
    expect(back.schema.properties.code).toEqual(d.schema.properties.code);
    expect(back.schema.dependencies).toEqual(d.schema.dependencies);
    expect(back.uiSchema.code).toEqual({ "ui:placeholder": "六位数字" });
  });

  it("reads a real category file best effort and writes it back unchanged in meaning", () => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, "../../forms/achievements/01-education.json"), "utf8"));
    const d: Definition = { title: file.title, schema: file.schema, uiSchema: file.uiSchema, meta: file.meta };
    const read = definitionToFields(d);
    expect(read.fields.map((f) => f.name)).toEqual(file.uiSchema["ui:order"]);
    expect(read.fields.find((f) => f.name === "attachments")!.type).toBe("file");
    const back = fieldsToDefinition(read.fields, d);
    expect(back.schema.properties).toEqual(file.schema.properties);
    expect(back.schema.required.sort()).toEqual([...file.schema.required].sort());
    expect(back.meta).toEqual(file.meta);
    expect(checkAdminSchema({ ...file, ...back })).toEqual([]);
  });

  it("removing a field drops its list column and meta references", () => {
    const d = fieldsToDefinition(fields.filter((f) => f.name !== "day"), { ...base, meta: { ...base.meta, searchFields: ["name", "day"], defaultSort: { field: "day", order: "desc" } } });
    expect(d.meta.listColumns.map((c: any) => c.field)).toEqual(["name", "amount", "level"]);
    expect(d.meta.searchFields).toEqual(["name"]);
    expect(d.meta.defaultSort).toBeUndefined();
  });
});

function normalised(f: BuilderField): BuilderField {
  const d = fieldsToDefinition([f.showWhen ? { ...f, showWhen: undefined } : f], base);
  const read = definitionToFields(d).fields[0];
  return { ...read, showWhen: f.showWhen, listColumn: f.listColumn };
}

describe("validation of samples", () => {
  const ajv = createAjv();
  const validate = ajv.compile(def().schema);
  const rjsf = customizeValidator(RJSF_VALIDATOR_OPTIONS);
  const both = (data: Record<string, unknown>) => {
    const server = validate(data);
    const browser = rjsf.isValid(def().schema, data, def().schema);
    expect(browser).toBe(server);
    return server;
  };

  it("accepts a good sample", () => {
    expect(both(good)).toBe(true);
    expect(both({ ...good, awarded: true, awardName: "省科技进步奖", level: "省级", provinceNo: "ZJ-001" })).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["missing required", { ...good, name: undefined }],
    ["too short", { ...good, name: "x" }],
    ["number above max", { ...good, amount: 100001 }],
    ["integer not integer", { ...good, people: 1.5 }],
    ["bad date", { ...good, day: "2023-13-01" }],
    ["bad year-month", { ...good, month: "2024-1" }],
    ["option not offered", { ...good, level: "国家级" }],
    ["too many choices", { ...good, areas: ["农业", "工业", "服务业"] }],
    ["required file empty", { ...good, proof: [] }],
    ["bad id card", { ...good, leaderId: "110105194912310021" }],
    ["bad mobile", { ...good, phone: "1380013800" }],
    ["bad email", { ...good, mail: "not-mail" }],
    ["bad url", { ...good, site: "not a url" }],
    ["conditional field required when shown", { ...good, awarded: true }],
    ["unknown key", { ...good, extra: 1 }],
  ])("refuses %s", (_, data) => {
    expect(both(data)).toBe(false);
  });

  it("RJSF renders a conditional field only while its condition holds", () => {
    const s = def().schema;
    const hidden = retrieveSchema(rjsf, s as any, s as any, { ...good, awarded: false });
    const shown = retrieveSchema(rjsf, s as any, s as any, { ...good, awarded: true });
    expect(Object.keys(hidden.properties!)).not.toContain("awardName");
    expect(Object.keys(shown.properties!)).toContain("awardName");
    expect(shown.required).toContain("awardName");
  });
});

describe("builderProblems", () => {
  it("names bad names, duplicates and dangling conditions", () => {
    const f = newField("text", []);
    expect(builderProblems([f])).toEqual([]);
    expect(builderProblems([{ ...f, name: "1x" }, f, f, { ...newField("boolean", []), name: "b", showWhen: { field: "nope", equals: true } }])).toEqual([
      "第 1 个字段（新字段 1）：字段名应以字母开头，只含字母、数字和下划线",
      "第 3 个字段（新字段 1）：字段名 field1 重复",
      "第 4 个字段（新字段 1）：显示条件引用的字段 nope 不存在",
    ]);
  });
});

describe("pasted plain text fields (issue 17)", () => {
  it("are edited as 单行/多行文本 without a maxLength or title, and written back unchanged", () => {
    const def: Definition = {
      title: "粘贴的表单",
      schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, note: { type: "string", title: "备注" } } },
      uiSchema: { note: { "ui:widget": "textarea" } },
      meta: {},
    };
    const { fields, unsupported } = definitionToFields(def);
    expect(unsupported).toEqual([]);
    expect(fields.map((f) => [f.name, f.type, f.label, f.maxLength])).toEqual([["name", "text", "name", undefined], ["note", "textarea", "备注", undefined]]);
    const back = fieldsToDefinition(fields, def);
    expect(back.schema.properties.note).toEqual({ type: "string", title: "备注" });
    expect(back.schema.properties.name).toEqual({ type: "string", title: "name" });
    expect(back.schema.required).toEqual(["name"]);
  });
});
