// Text the database can store. Postgres refuses NUL (U+0000) in text and jsonb, and lone UTF-16
// surrogates in jsonb (JSON.stringify writes them as \udXXX escapes, which jsonb rejects), so a
// form field or JSON body carrying either would end a write in a 500. Every write is cleaned
// first, on both databases alike: NUL is dropped and a lone surrogate becomes U+FFFD (what any
// UTF-8 encoder, and so every text column, already makes of it).

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SUSPECT = /[\u0000\ud800-\udfff]/;

export function storableText(s: string): string {
  return SUSPECT.test(s) ? s.replace(NUL, "").replace(LONE_SURROGATE, "\ufffd") : s;
}

const isPlain = (v: object) => Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;

/**
 * Cleans every string in a write's values, in place, through nested plain objects and arrays (a
 * JSON column), walking iteratively so a deeply nested value cannot overflow the stack. Dates,
 * buffers and Sequelize helpers (fn, literal) are left alone.
 */
export function makeStorable(values: object | null | undefined) {
  if (!values || typeof values !== "object") return;
  const stack: object[] = [values];
  const seen = new Set<object>();
  while (stack.length) {
    const o = stack.pop() as Record<string, unknown>;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === "string") {
        if (SUSPECT.test(v)) o[k] = storableText(v);
      } else if (v && typeof v === "object" && isPlain(v)) stack.push(v);
    }
  }
}
