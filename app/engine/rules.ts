// Declared cross-field rules of a form (meta.rules), e.g. 结束时间 not before 开始时间. Pure, so
// the browser (RJSF customValidate) and the server evaluate the same rules the same way.
import type { FieldErrors } from "./validator";
import type { FormRule } from "./definitions/types.generated";

/** A rule as the form meta-schema declares it ($defs.rule). */
export type FieldRule = FormRule;

function comparable(v: unknown): string | number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  // ISO dates and year-months compare correctly as strings; "2020-09" vs "2020-09-15" compares
  // by the common prefix, which is what a reader expects.
  if (typeof v === "string" && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) return v;
  return null;
}

function get(data: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? Reflect.get(o, k) : undefined), data);
}

export function checkRules(rules: FieldRule[] | undefined, data: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const r of rules ?? []) {
    const a = comparable(get(data, r.field));
    const b = comparable(get(data, r.than));
    if (a === null || b === null || typeof a !== typeof b) continue;
    let bad: boolean;
    if (typeof a === "string") {
      const n = Math.min(a.length, (b as string).length);
      const [x, y] = [a.slice(0, n), (b as string).slice(0, n)];
      bad = r.kind === "not-before" ? x < y : x > y;
    } else {
      bad = r.kind === "not-before" ? a < (b as number) : a > (b as number);
    }
    if (bad) (out[r.field] ??= []).push(r.message);
  }
  return out;
}
