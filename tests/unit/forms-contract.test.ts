// Contract: every file in forms/ is a valid form definition (meta-schema, strict compile,
// known dictionaries), so a broken file fails CI rather than a boot.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FormConfigError, readFormFiles } from "~/engine/form-registry.server";

const FORMS = path.resolve(__dirname, "../../forms");

describe("forms/ contract", () => {
  const files = readFormFiles(FORMS);

  it("loads every form file", () => {
    const onDisk = (fs.readdirSync(FORMS, { recursive: true }) as string[]).filter((f) => f.endsWith(".json") && !f.startsWith("_meta"));
    expect(files.map((f) => f.file.replace(/^forms\//, "")).sort()).toEqual(onDisk.sort());
    expect(files.find((f) => f.def.id === "profile")).toBeTruthy();
  });

  it("print widths (printWidth, issue 16 item 9) are declared only on list columns of achievement categories, 论文 weighing its title most", () => {
    const declared = files.flatMap((f) => ((f.def.meta?.listColumns ?? []) as { field: string; printWidth?: number }[]).filter((c) => c.printWidth).map((c) => ({ id: f.def.id, ...c })));
    expect(declared.length).toBeGreaterThan(0);
    for (const c of declared) expect(c.id).toMatch(/^achievement\//);
    const paper = declared.filter((c) => c.id === "achievement/paper");
    expect(Math.max(...paper.map((c) => c.printWidth!))).toBe(paper.find((c) => c.field === "title")!.printWidth);
  });

  it.each(files.map((f) => [f.file, f.def] as const))("%s: every pattern/format string field has a maxLength", (_, def) => {
    const walk = (s: any, at: string): string[] => {
      if (!s || typeof s !== "object") return [];
      const bad = s.type === "string" && (s.pattern || s.format) && s.maxLength === undefined ? [at] : [];
      return [
        ...bad,
        ...Object.entries<any>(s.properties ?? {}).flatMap(([k, v]) => walk(v, `${at}.${k}`)),
        ...(s.items ? walk(s.items, `${at}[]`) : []),
      ];
    };
    expect(walk(def.schema, def.id)).toEqual([]);
  });

  // Issue 16: a pattern error that only says 格式不正确 leaves a person guessing. Every field a
  // person types a patterned value into says what is expected (x-pattern-hint), and its example fits.
  it.each(files.map((f) => [f.file, f.def] as const))("%s: every typed pattern field has an x-pattern-hint", (_, def) => {
    const fields = Object.entries<any>(def.schema.properties).filter(([, s]) => typeof s?.pattern === "string");
    expect(fields.filter(([, s]) => typeof s["x-pattern-hint"] !== "string").map(([k]) => k)).toEqual([]);
    for (const [k, s] of fields) {
      const example = /如 ([^\s（，]+(?: [^\s（，]+)?)/.exec(s["x-pattern-hint"])?.[1];
      if (example) expect(new RegExp(s.pattern).test(example), `${def.id}.${k}: ${example}`).toBe(true);
    }
  });

  it.each(files.map((f) => [f.file, f.def] as const))("%s: uiSchema names only schema fields", (_, def) => {
    const fields = Object.keys(def.schema.properties);
    const ui = Object.keys(def.uiSchema).filter((k) => !k.startsWith("ui:"));
    expect(ui.filter((k) => !fields.includes(k))).toEqual([]);
    const order = def.uiSchema["ui:order"] as string[] | undefined;
    if (order) expect(order.filter((k) => k !== "*" && !fields.includes(k))).toEqual([]);
  });

  function withForms(files: Record<string, unknown>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forms-"));
    fs.mkdirSync(path.join(dir, "_meta"));
    fs.copyFileSync(path.join(FORMS, "_meta/form.schema.json"), path.join(dir, "_meta/form.schema.json"));
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), typeof body === "string" ? body : JSON.stringify(body));
    return dir;
  }
  const good = { id: "x", version: 1, kind: "profile", title: "X", schema: { type: "object", properties: { a: { type: "string" } } }, uiSchema: {} };
  const achievement = (meta: Record<string, unknown> = {}, order = 1, id = "achievement/x") => ({
    id,
    version: 1,
    kind: "achievement",
    title: "X",
    schema: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", maxLength: 20 },
        start: { type: "string", format: "year-month", maxLength: 7 },
        end: { type: "string", format: "date", maxLength: 10 },
        rank: { type: "integer" },
      },
    },
    uiSchema: { "ui:order": ["name", "*"] },
    meta: { order, titleField: "name", listColumns: [{ field: "name" }], ...meta },
  });

  it.each([
    ["broken JSON", "{", "不是合法的 JSON"],
    ["missing version", { ...good, version: undefined }, "version"],
    ["unknown keyword in schema (strict)", { ...good, schema: { type: "object", properties: { a: { type: "string", maxLenght: 3 } } } }, "schema.properties.a：draft-07 没有关键字 \"maxLenght\""],
    ["unknown dictionary", { ...good, schema: { type: "object", properties: { a: { type: "integer", "x-dictionary": "planets" } } } }, "未知字典"],
    ["uiSchema naming an unknown field", { ...good, uiSchema: { b: { "ui:widget": "textarea" } } }, `uiSchema 引用的字段 "b"`],
    ["ui:order naming an unknown field", { ...good, uiSchema: { "ui:order": ["a", "b"] } }, `uiSchema.ui:order 引用的字段 "b"`],
    ["ui:order leaving a field out", { ...good, schema: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } }, uiSchema: { "ui:order": ["a"] } }, `ui:order 缺少字段 "b"`],
    ["an unknown title field", achievement({ titleField: "nmae" }), `meta.titleField 引用的字段 "nmae"`],
    ["an optional title field", achievement({ titleField: "start" }), "应为必填字段"],
    ["a list column range to an unknown field", achievement({ listColumns: [{ field: "start", to: "finish" }] }), "meta.listColumns[0].to"],
    ["a list column print width of 0", achievement({ listColumns: [{ field: "name", printWidth: 0 }] }), "printWidth"],
    ["a list column print width that is not a whole number", achievement({ listColumns: [{ field: "name", printWidth: 1.5 }] }), "printWidth"],
    ["an unknown search field", achievement({ searchFields: ["name", "remark"] }), "meta.searchFields[1]"],
    ["an unknown sort field", achievement({ defaultSort: { field: "date", order: "desc" } }), "meta.defaultSort.field"],
    ["a rule on an unknown field", achievement({ rules: [{ kind: "not-before", field: "end", than: "begin", message: "m" }] }), "meta.rules[0].than"],
    ["a rule comparing a date with a number", achievement({ rules: [{ kind: "not-after", field: "rank", than: "end", message: "m" }] }), "无法比较"],
    ["a rule comparing text", achievement({ rules: [{ kind: "not-after", field: "name", than: "name", message: "m" }] }), "无法比较"],
    ["citation import into an unknown field", achievement({ citationImport: { map: { name: "title", doi: "DOI" } } }), "meta.citationImport.map"],
    ["citation dedupe on an unknown field", achievement({ citationImport: { map: { name: "title" }, dedupe: { title: "title" } } }), "meta.citationImport.dedupe.title"],
  ])("refuses a form file with %s, naming the file", (_, body, expected) => {
    const dir = withForms({ "bad.json": body });
    try {
      expect(() => readFormFiles(dir)).toThrow(FormConfigError);
      expect(() => readFormFiles(dir)).toThrow(expected);
      expect(() => readFormFiles(dir)).toThrow("forms/bad.json");
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("accepts an achievement whose meta names only its own fields", () => {
    const ok = achievement({
      listColumns: [{ field: "start", to: "end" }, { field: "name" }],
      searchFields: ["name"],
      defaultSort: { field: "start", order: "desc" },
      rules: [{ kind: "not-before", field: "end", than: "start", message: "m" }],
      citationImport: { map: { name: "title", start: "issued" }, dedupe: { title: "name", year: "start" } },
    });
    const dir = withForms({ "ok.json": ok });
    try {
      expect(readFormFiles(dir).map((f) => f.def.id)).toEqual(["achievement/x"]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("refuses two achievement categories at the same position, naming both files", () => {
    const dir = withForms({
      "a.json": achievement({}, 3, "achievement/a"),
      "b.json": achievement({}, 3, "achievement/b"),
      // a second version of the same category keeps its position
      "a2.json": { ...achievement({}, 3, "achievement/a"), version: 2 },
    });
    try {
      expect(() => readFormFiles(dir)).toThrow(/forms\/b\.json: meta\.order 3 与 forms\/a\.json/);
      try {
        readFormFiles(dir);
      } catch (e) {
        expect((e as FormConfigError).problems).toHaveLength(1);
      }
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
