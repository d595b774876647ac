// The uiSchema names the designer accepts are the names RJSF (core + antd theme) and the engine's
// widgets register, no more (a name accepted but not registered would fail every applicant's page);
// a stored form naming an unknown one renders with a notice in place of the field.
import { getDefaultRegistry } from "@rjsf/core";
import { Templates, Widgets } from "@rjsf/antd";
import { describe, expect, it } from "vitest";
import { widgets } from "~/components/widgets";
import { transformErrors } from "~/components/schema-form";
import { ENGINE_WIDGETS, MISSING_WIDGET, RJSF_FIELDS, RJSF_TEMPLATES, RJSF_WIDGETS, uiProblems, withKnownUi } from "~/engine/ui-registry";

describe("ui-registry", () => {
  it("lists exactly the widgets, fields and templates the installed RJSF registers", () => {
    const registry = getDefaultRegistry();
    expect([...RJSF_WIDGETS].sort()).toEqual([...new Set([...Object.keys(registry.widgets), ...Object.keys(Widgets)])].sort());
    expect([...RJSF_TEMPLATES].sort()).toEqual([...new Set([...Object.keys(registry.templates), ...Object.keys(Templates)])].filter((t) => t !== "ButtonTemplates").sort());
    for (const f of RJSF_FIELDS) expect(Object.keys(registry.fields)).toContain(f);
    expect(Object.keys(widgets).filter((w) => !/Widget$/.test(w)).sort()).toEqual([...ENGINE_WIDGETS, MISSING_WIDGET].sort());
  });

  const schema = { type: "object", properties: { n: { type: "integer" }, s: { type: "string" }, list: { type: "array", items: { type: "object", properties: { x: { type: "number" } } } } } };
  it("refuses unknown names and names of the wrong type, at their uiSchema path, in Chinese", () => {
    const problems = uiProblems(schema, {
      n: { "ui:widget": "StarPicker" }, s: { "ui:widget": "textarea", "ui:options": { widget: "files" } },
      list: { items: { x: { "ui:widget": "textarea" } } }, "ui:ObjectFieldTemplate": "Card",
    });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^uiSchema\.n\.ui:widget：控件「StarPicker」不存在/),
      expect.stringMatching(/^uiSchema\.s\.ui:options\.widget：控件「files」不可用：.*附件/),
      expect.stringMatching(/^uiSchema\.list\.items\.x\.ui:widget：控件「textarea」不能用于数字字段/),
      expect.stringMatching(/^uiSchema\.ui:ObjectFieldTemplate：模板「Card」不存在/),
    ]);
    expect(uiProblems(schema, { n: { "ui:widget": "updown" }, s: { "ui:widget": "year-month" }, "ui:order": ["*"] })).toEqual([]);
  });

  it("withKnownUi puts the notice widget in place of an unknown one and drops unknown fields/templates", () => {
    const ui = { n: { "ui:widget": "StarPicker", "ui:help": "帮助" }, s: { "ui:field": "geo" }, "ui:ObjectFieldTemplate": "Card" };
    expect(withKnownUi(schema, ui)).toEqual({ n: { "ui:widget": MISSING_WIDGET, "ui:help": "帮助", "ui:options": { missingWidget: "StarPicker" } }, s: {} });
    const fine = { n: { "ui:widget": "updown" } };
    expect(withKnownUi(schema, fine)).toBe(fine);
  });

  it("keeps oneOf/anyOf errors in the browser, in Chinese", () => {
    const out = transformErrors([
      { name: "oneOf", property: ".funding", params: { passingSchemas: [0, 1] }, message: "must match exactly one schema in oneOf", stack: "" },
      { name: "if", property: "", params: { failingKeyword: "then" }, message: "must match \"then\" schema", stack: "" },
    ]);
    expect(out.map((e) => [e.property, e.message])).toEqual([[".funding", "同时符合多个选项（第 1、2 项），只能符合其中一项"]]);
  });
});
