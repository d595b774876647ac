// The designer corpus through the engine's checks in process (the HTTP and browser tests take the
// same forms through the server and Chromium): every corpus form passes the publish checks, its
// valid record passes the runtime validator, its invalid record fails on the named field with the
// Chinese message; the forms that need code are refused naming what they need.
import { describe, expect, it } from "vitest";
import { prepareDefinition } from "~/engine/definitions/lifecycle.server";
import { formKind } from "~/engine/definitions/kinds/form.server";
import { createAjv, toFieldErrors } from "~/engine/validator";
import { corpus, refusedCorpus, type CorpusForm, type RefusedForm } from "../helpers/designer-corpus";

const def = (f: CorpusForm | RefusedForm) => ({
  id: `achievement/${f.slug}`, version: 1, kind: "achievement", title: f.title, ...f.definition,
  meta: { order: 1, titleField: f.titleField ?? "name", listColumns: (f.listColumns ?? "name").split(/[,\s]+/).filter(Boolean).map((field) => ({ field })) },
});

describe("designer corpus", () => {
  const forms = corpus();
  it("has at least 20 forms", () => expect(forms.length).toBeGreaterThanOrEqual(20));
  it.each(forms.map((f) => [f.file, f] as const))("%s publishes; valid passes; invalid fails on its field in Chinese", (_file, f) => {
    const prepared = prepareDefinition(formKind, def(f), { source: "", untrusted: true });
    expect("problems" in prepared ? prepared.problems : []).toEqual([]);
    const validate = createAjv({ logger: false }).compile({ ...f.definition.schema, $id: undefined });
    expect(validate(f.valid), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(f.invalid.data)).toBe(false);
    const errors = toFieldErrors(validate.errors);
    expect((errors[f.invalid.field] ?? []).join("；"), JSON.stringify(errors)).toContain(f.invalid.message);
    // Chinese throughout (quoted names aside).
    for (const msgs of Object.values(errors)) for (const m of msgs) expect(m.replace(/"[^"]*"|「[^」]*」/g, "")).not.toMatch(/[A-Za-z]{3,}/);
  });
  it.each(refusedCorpus().map((f) => [f.file, f] as const))("%s is refused naming what it needs", (_file, f) => {
    const prepared = prepareDefinition(formKind, def(f), { source: "", untrusted: true });
    expect("problems" in prepared).toBe(true);
    expect(("problems" in prepared ? prepared.problems : []).join("\n")).toContain(f.needs);
  });
});
