// Standard JSON Schemas an admin might paste into the designer's JSON view (tests/fixtures/
// admin-schemas): each passes checkAdminSchema, the server's Ajv and the browser's RJSF validator
// agree on every sample (verdict and field paths), and the form renders on the server.
import fs from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { customizeValidator } from "@rjsf/validator-ajv8";
import localizeZh from "ajv-i18n/localize/zh";
import { checkAdminSchema } from "~/engine/schema-safety.server";
import { createAjv, RJSF_VALIDATOR_OPTIONS, toFieldErrors } from "~/engine/validator";
import { SchemaForm, transformErrors } from "~/components/schema-form";

const DIR = path.resolve(__dirname, "../fixtures/admin-schemas");
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const load = (f: string) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));
const browser = customizeValidator(RJSF_VALIDATOR_OPTIONS, localizeZh);

function serverPaths(schema: Record<string, any>, data: unknown) {
  const validate = createAjv().compile(schema);
  return validate(data) ? [] : Object.keys(toFieldErrors(validate.errors)).sort();
}
function browserPaths(schema: Record<string, any>, data: unknown) {
  const { errors } = browser.validateFormData(data, schema as any, undefined, transformErrors);
  return [...new Set(errors.map((e) => (e.property ?? "").replace(/^\./, "")))].sort();
}

it("has a broad set of admin schemas", () => expect(FILES.length).toBeGreaterThanOrEqual(12));

describe.each(FILES.map((f) => [f]))("%s", (file) => {
  const { definition, valid, invalid } = load(file);

  it("passes checkAdminSchema", () => {
    expect(checkAdminSchema({ ...definition, version: 1 })).toEqual([]);
  });

  it("valid samples pass in the browser and on the server", () => {
    for (const s of valid) {
      expect(serverPaths(definition.schema, s), JSON.stringify(s)).toEqual([]);
      expect(browserPaths(definition.schema, s), JSON.stringify(s)).toEqual([]);
    }
  });

  it("invalid samples fail on the same fields in the browser and on the server", () => {
    for (const bad of invalid) {
      const s = serverPaths(definition.schema, bad.data);
      expect(s, JSON.stringify(bad)).toContain(bad.field);
      expect(browserPaths(definition.schema, bad.data), JSON.stringify(bad)).toEqual(s);
    }
  });

  it("renders empty, filled and read-only without throwing", () => {
    const render = (extra: Record<string, unknown>) =>
      renderToStaticMarkup(createElement(SchemaForm, { schema: definition.schema, uiSchema: definition.uiSchema, submitText: "保存", onSubmit: () => {}, formContext: { formId: definition.id, files: {} }, ...extra }));
    expect(render({})).toContain(definition.schema.properties.名称.title);
    const html = render({ formData: valid[0] });
    expect(html).toContain(String(valid[0].名称));
    expect(render({ formData: valid[0], readonly: true })).toContain(String(valid[0].名称));
  });
});
