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
    if (e.keyword === "required" && e.instancePath === "") missing.add(String((e.params as any).missingProperty));
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
