// Drafts (a wizard step left with 【上一步】, a designer draft): missing or unfinished values pass,
// anything of the wrong shape or size does not — including inside if/then and anyOf/oneOf.
// toDraft07 on a value nested far deeper than any definition may be returns it for the checks
// to refuse instead of overflowing the stack.
import { describe, expect, it } from "vitest";
import { draftErrors } from "~/engine/draft-check";
import { toDraft07, checkDraftSafety } from "~/engine/schema-safety.server";
import { createAjv } from "~/engine/validator";

const schema = {
  type: "object", additionalProperties: false, required: ["name", "kind", "summary"],
  properties: {
    name: { type: "string", minLength: 2, maxLength: 10 },
    kind: { type: "string", enum: ["a", "b"] },
    reason: { type: "string", maxLength: 20 },
    summary: { type: "string", minLength: 20, maxLength: 100 },
    tags: { type: "array", minItems: 2, maxItems: 3, items: { type: "string", maxLength: 5 } },
    contact: {
      type: "object", additionalProperties: false, required: ["phone"],
      properties: { phone: { type: "string", maxLength: 11 }, email: { type: "string", maxLength: 50 } },
      anyOf: [{ required: ["phone"] }, { required: ["email"] }],
    },
    pick: { oneOf: [{ type: "object", required: ["x"], properties: { x: { type: "integer" } } }, { type: "string", maxLength: 3 }] },
  },
  if: { properties: { kind: { const: "b" } }, required: ["kind"] },
  then: { required: ["reason"], properties: { reason: { minLength: 5 } } },
};
const validate = createAjv().compile(schema);
const errorsOf = (data: unknown) => {
  validate(data);
  return draftErrors(validate.errors).map((e) => `${e.instancePath} ${e.keyword}`);
};

describe("draftErrors", () => {
  it("lets a draft leave values out or unfinished", () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf({ kind: "b" })).toEqual([]); // then: reason required
    expect(errorsOf({ name: "王", summary: "太短", tags: ["a"] })).toEqual([]);
    expect(errorsOf({ contact: {} })).toEqual([]); // nested required and an anyOf of requireds
    expect(errorsOf({ pick: {} })).toEqual([]); // the object branch misses only x
  });

  it("refuses what a draft holds of the wrong shape or size", () => {
    expect(errorsOf({ extra: 1 })).toEqual([" additionalProperties"]);
    expect(errorsOf({ name: "x".repeat(11) })).toEqual(["/name maxLength"]);
    expect(errorsOf({ kind: "c" })).toEqual(["/kind enum"]);
    expect(errorsOf({ summary: { a: { b: 1 } } })).toEqual(["/summary type"]);
    expect(errorsOf({ tags: ["a", "b", "c", "d"] })).toEqual(["/tags maxItems"]);
    expect(errorsOf({ contact: { phone: "1".repeat(12) } })).toEqual(["/contact/phone maxLength"]);
    expect(errorsOf({ contact: { fax: "1" } })).toEqual(["/contact additionalProperties"]);
    expect(errorsOf({ pick: 5 })).toEqual(expect.arrayContaining(["/pick oneOf"]));
    expect(errorsOf({ pick: { x: "no" } })).toEqual(expect.arrayContaining(["/pick oneOf", "/pick/x type"]));
  });
});

describe("toDraft07 and designer drafts on hostile nesting", () => {
  it("returns a 200 000-deep value unchanged and the draft check refuses it by depth", () => {
    const text = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const deep = JSON.parse(text);
    expect(toDraft07(deep)).toBe(deep);
    const def = { id: "achievement/deep", kind: "achievement", title: "深", schema: { type: "object", properties: { x: deep } }, uiSchema: {}, meta: {} };
    expect(checkDraftSafety(def)[0]).toMatch(/嵌套过深/);
  });

  it("still rewrites dependentRequired in an ordinary schema", () => {
    expect(toDraft07({ type: "object", dependentRequired: { a: ["b"] } })).toEqual({ type: "object", dependencies: { a: ["b"] } });
  });

  it("refuses a designer draft of a shape the definition format does not declare, accepts an unfinished one", () => {
    const def = (over: Record<string, unknown>) => ({ id: "achievement/shape", kind: "achievement", title: "形状", schema: { type: "object", properties: {} }, uiSchema: {}, meta: {}, ...over });
    expect(checkDraftSafety(def({}))).toEqual([]);
    expect(checkDraftSafety(def({ title: "" }))).toEqual([]);
    expect(checkDraftSafety(def({ meta: { unknownKey: 1 } })).join()).toMatch(/不允许的字段：unknownKey/);
    expect(checkDraftSafety(def({ meta: { order: "first" } })).join()).toMatch(/meta\.order/);
    expect(checkDraftSafety(def({ title: "长".repeat(129) })).join()).toMatch(/title/);
  });
});
