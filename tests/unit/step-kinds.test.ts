// Step kinds are folders (app/engine/workflow/steps/<kind>/ + app/components/wizard/steps/<kind>.tsx):
// the fixture kind fixture-checklist is named nowhere else but in the meta-schema's kind enum and
// the generated files, and each kind's options schema is part of the workflow check.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkflowShape, readWorkflowFiles } from "~/engine/workflow/registry.server";
import { STEP_PLUGINS } from "~/engine/workflow/steps/registry.generated";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = "fixture-checklist";

function filesUnder(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((d) => filesUnder(path.join(rel, d.name)));
}

describe("a step kind is its own files", () => {
  it(`names ${FIXTURE} only in its folder, its body, the meta-schema's kind enum and generated files`, () => {
    const own = [`app/engine/workflow/steps/${FIXTURE}/`, `app/components/wizard/steps/${FIXTURE}.tsx`];
    const elsewhere: string[] = [];
    for (const file of ["app", "workflows", "forms", "templates", "db", "scripts", "server.ts"].flatMap(filesUnder)) {
      const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!line.includes(FIXTURE)) return;
        if (own.some((o) => file.startsWith(o)) || file.endsWith(".generated.ts")) return;
        if (file === "workflows/_meta/workflow.schema.json" && line.trim().startsWith('"kind": { "enum": [')) return;
        elsewhere.push(`${file}:${i + 1}`);
      });
    }
    expect(elsewhere).toEqual([]);
    // …and no shipped workflow uses it.
    expect(readWorkflowFiles().flatMap((f) => f.def.steps.map((s) => s.kind))).not.toContain(FIXTURE);
  });

  it("every kind has a server folder with its options schema and a client body", () => {
    for (const kind of Object.keys(STEP_PLUGINS)) {
      expect(fs.existsSync(path.join(ROOT, "app/engine/workflow/steps", kind, "options.schema.json")), kind).toBe(true);
      expect(fs.existsSync(path.join(ROOT, "app/components/wizard/steps", `${kind}.tsx`)), kind).toBe(true);
    }
  });
});

describe("the options schemas of the kinds' folders are checked with the workflow", () => {
  const base = readWorkflowFiles().find((f) => f.def.id === "title-review")!.def;
  const withStep = (step: Record<string, unknown>) => ({ ...structuredClone(base), steps: [step, ...structuredClone(base.steps)] });
  const shape = (w: unknown) => checkWorkflowShape(w, "x.json").join("\n");

  it("accepts the fixture kind with valid options", () => {
    expect(shape(withStep({ id: "list", kind: FIXTURE, title: "清单", options: { items: ["一"], minChecked: 1 } }))).toBe("");
  });

  it.each([
    ["options missing where its schema requires some", { id: "list", kind: FIXTURE, title: "清单" }, "steps.0"],
    ["an option its schema does not know", { id: "list", kind: FIXTURE, title: "清单", options: { items: ["一"], minChecked: 1, colour: "red" } }, "steps.0.options"],
    ["an option out of its range", { id: "list", kind: FIXTURE, title: "清单", options: { items: ["一"], minChecked: 0 } }, "steps.0.options.minChecked"],
    ["a shipped kind's options too (photo)", { id: "pic", kind: "photo", title: "照片", options: { maxSizeMb: 2 } }, "steps.0.options"],
    ["a kind that has no folder", { id: "x", kind: "no-such-kind", title: "未知" }, "steps.0.kind"],
  ])("refuses %s", (_, step, where) => {
    expect(shape(withStep(step))).toContain(`x.json: ${where}`);
  });

  it("options may be left out where the kind's schema requires none", () => {
    const w = structuredClone(base);
    const last = w.steps[w.steps.length - 1];
    expect(last.kind).toBe("confirm-submit");
    delete last.options;
    expect(shape(w)).toBe("");
  });
});
