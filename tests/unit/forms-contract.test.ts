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

  it.each([
    ["broken JSON", "{", "不是合法的 JSON"],
    ["missing version", { ...good, version: undefined }, "version"],
    ["unknown keyword in schema (strict)", { ...good, schema: { type: "object", properties: { a: { type: "string", maxLenght: 3 } } } }, "无法编译"],
    ["unknown dictionary", { ...good, schema: { type: "object", properties: { a: { type: "integer", "x-dictionary": "planets" } } } }, "未知字典"],
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
});
