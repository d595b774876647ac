// Contract: every config file in workflows/ declares a version and is valid against its
// meta-schema in workflows/_meta/; names it defines are unique.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAjv, toFieldErrors } from "~/engine/validator";

const DIR = path.resolve(__dirname, "../../workflows");
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));

describe("workflows/plan-types.json", () => {
  const cfg = read("plan-types.json");
  it("is valid against workflows/_meta/plan-types.schema.json", () => {
    const validate = createAjv({ strict: true }).compile({ ...read("_meta/plan-types.schema.json"), $id: undefined });
    expect(validate(cfg), JSON.stringify(toFieldErrors(validate.errors))).toBe(true);
    expect(cfg.version).toBeGreaterThanOrEqual(1);
  });
  it("names each plan type and application type once", () => {
    const types = cfg.planTypes.map((t: any) => t.planType);
    const apps = cfg.planTypes.map((t: any) => t.applicationType);
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(apps).size).toBe(apps.length);
  });
  it("has the manual's three application types with their menu labels", () => {
    expect(cfg.planTypes.map((t: any) => t.label)).toEqual(["职称评审申报", "大中专毕业生职称初定", "外省调入等职称认定"]);
  });
});
