// One draft record checked against a form's compiled validator and declared rules, split into
// the required fields still empty and the fields whose value is wrong. Pure and client-safe, so
// an import preview in the browser and the server judge a row the same way.
import type { ErrorObject, ValidateFunction } from "ajv";
import { checkRules, type FieldRule } from "./rules";
import { toFieldErrors, type FieldErrors } from "./validator";

export interface DraftCheck {
  /** Required top-level fields that are absent or empty, in the schema's `required` order. */
  missing: string[];
  /** Every other failure: dotted field path → Chinese messages. */
  invalid: FieldErrors;
  valid: boolean;
}

export function checkDraftWith(
  validate: ValidateFunction,
  schema: Record<string, any>,
  rules: FieldRule[] | undefined,
  data: Record<string, unknown>,
): DraftCheck {
  const ok = validate(data) as boolean;
  const missing = new Set<string>();
  const others: ErrorObject[] = [];
  for (const e of ok ? [] : validate.errors ?? []) {
    const top = e.instancePath.split("/").length === 2 ? e.instancePath.slice(1) : null;
    if (e.keyword === "required" && e.instancePath === "") missing.add(String(e.params.missingProperty));
    else if (e.keyword === "minLength" && top && data[top] === "") missing.add(top);
    else others.push(e);
  }
  const invalid = toFieldErrors(others);
  const ruleErrors = ok ? checkRules(rules, data) : {};
  for (const [k, msgs] of Object.entries(ruleErrors)) invalid[k] = [...(invalid[k] ?? []), ...msgs];
  const order: string[] = Array.isArray(schema.required) ? schema.required : [];
  return {
    missing: [...missing].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    invalid,
    valid: ok && Object.keys(ruleErrors).length === 0,
  };
}

/** Keywords that only say a value is missing or not finished yet (a text still being typed). */
const UNFINISHED = new Set(["required", "minLength", "minItems", "minProperties"]);

/**
 * The errors a saved draft may not have. A draft may be unfinished — values left out (`required`
 * anywhere, a draft-07 `dependencies` list) or still short (minLength, minItems) — but whatever
 * it holds must be of the declared shape and size: types, maxLength, enums, formats,
 * additionalProperties… all still count.
 * `if` is judged by its then/else errors; an anyOf/oneOf that fails passes when one of its
 * branches fails only for missing values (a branch that cannot be judged counts as failing).
 */
export function draftErrors(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const all = errors ?? [];
  const missing = (e: ErrorObject) => UNFINISHED.has(e.keyword) || (e.keyword === "dependencies" && e.params.missingProperty !== undefined);
  const relaxed = new Set<ErrorObject>();
  const fine = (e: ErrorObject) => missing(e) || e.keyword === "if" || relaxed.has(e);
  // Innermost combinators first, so a nested one is settled before the branch holding it.
  const combinators = all.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of combinators) {
    // oneOf with more than one matching branch: a real error whatever is missing.
    if (c.params.passingSchemas) continue;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of all) {
      if (e === c || !e.schemaPath.startsWith(`${c.schemaPath}/`) || !e.instancePath.startsWith(c.instancePath)) continue;
      const branch = e.schemaPath.slice(c.schemaPath.length + 1).split("/")[0];
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if ([...branches.values()].some((list) => list.every(fine))) {
      relaxed.add(c);
      for (const list of branches.values()) for (const e of list) relaxed.add(e);
    }
  }
  return all.filter((e) => !fine(e));
}
