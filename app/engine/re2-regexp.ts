// Admin-supplied patterns (schema `pattern`, `patternProperties`) run on RE2 (re2js, a pure-JS
// port: linear time in the input, no backtracking), in the browser and on the server alike. Ajv
// takes it through its `code.regExp` option (see validator.ts). Patterns are written in JavaScript
// syntax; they are translated here so they mean on RE2 what they mean in JavaScript's "u" mode.
import { RE2JS } from "re2js";

/** JavaScript's \s (u mode) as RE2 class items: \t-\r, the Unicode space separators, LS, PS, BOM (RE2's own \s is ASCII only). */
const JS_SPACE = String.raw`\t-\r\p{Zs}\x{2028}\x{2029}\x{FEFF}`;
/** JavaScript's `.` without the s flag: anything but the four line terminators (RE2's `.` only excludes \n). */
const JS_DOT = String.raw`[^\n\r\x{2028}\x{2029}]`;

/**
 * Longest string (UTF-16 units) a pattern is matched against; a longer one never matches. RE2 is
 * linear, but re2js pays ~10–40 µs per character when a pattern's DFA keeps growing
 * ([ab]*a[ab]{20} on random a/b: 0.6 s for 80 000 characters), so one test costs at most this
 * many characters × the program size below. Designer fields with a pattern have maxLength ≤
 * MAX_PATTERN_FIELD_LENGTH code points (≤ this many units), so they are never cut by it.
 */
export const MAX_PATTERN_SUBJECT = 1000;
export const MAX_PATTERN_FIELD_LENGTH = MAX_PATTERN_SUBJECT / 2;
/** RE2 instructions of a designer pattern (the forms in git need ≤ 130; a{1,200} is ~200). */
export const MAX_PATTERN_PROGRAM = 200;

export class PatternSyntaxError extends Error {}

/**
 * The RE2 spelling of a JavaScript (u mode) pattern: `.`, \s and \S rewritten to JavaScript's
 * meaning, then re2js's own translation (\uXXXX → \x{XXXX}, (?<name> → (?P<name> …).
 * Throws PatternSyntaxError (Chinese) for what it cannot carry over.
 */
export function toRe2Syntax(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === "s") out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (n === "S") {
        // Not expressible inside a class on RE2 ([a\S] = a ∪ everything but whitespace).
        if (inClass) throw new PatternSyntaxError("字符类 […] 中不能使用 \\S，请改写（如 [^\\s] 或拆成分支）");
        out += `[^${JS_SPACE}]`;
      } else out += c + (n ?? "");
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else out += c === "." ? JS_DOT : c;
  }
  return RE2JS.translateRegExp(out);
}

/** Chinese for RE2's parse errors ("error parsing regexp: <reason>: `<where>`"). */
function re2Message(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const where = text.match(/`([^`]*)`\s*$/)?.[1];
  const at = where ? `：${where}` : "";
  if (/invalid repeat count/.test(text)) return `正则中的重复次数过大（{n,m} 的次数不能超过 1000，嵌套后也不能超过）${at}`;
  if (/expression too large|pattern too large/.test(text)) return "正则过于复杂，请简化";
  if (/\(\?[=!]/.test(where ?? "")) return "正则不能使用先行断言（(?=…)、(?!…)）";
  if (/\(\?<[=!]/.test(where ?? "")) return "正则不能使用后行断言（(?<=…)、(?<!…)）";
  if (/invalid escape/.test(text)) return `正则使用了不支持的转义（如反向引用 \\1）${at}`;
  if (/character class/.test(text)) return `正则中的字符类写法不受支持${at}`;
  return `正则使用了本系统不支持的写法${at}`;
}

/** Compiles a JavaScript-syntax pattern on RE2; throws PatternSyntaxError with a Chinese message. */
export function compileRe2(pattern: string): RE2JS {
  const re2 = toRe2Syntax(pattern);
  try {
    return RE2JS.compile(re2);
  } catch (e) {
    throw new PatternSyntaxError(re2Message(e));
  }
}

/** Size of the compiled RE2 program (re2js internals; a unit test notices if an upgrade moves it). */
export function re2ProgramSize(re: RE2JS): number {
  return (re as unknown as { re2Input?: { prog?: { inst?: unknown[] } } }).re2Input?.prog?.inst?.length ?? 0;
}

/** Why the designer may not use the pattern on RE2 (Chinese), or null. */
export function re2Problem(pattern: string): string | null {
  let re: RE2JS;
  try {
    re = compileRe2(pattern);
  } catch (e) {
    return e instanceof PatternSyntaxError ? e.message : "正则无法解析";
  }
  const size = re2ProgramSize(re);
  if (size > MAX_PATTERN_PROGRAM) return `正则过于复杂（展开后 ${size} 步，上限 ${MAX_PATTERN_PROGRAM}），请减小 {n,m} 中的次数`;
  return null;
}

/**
 * Ajv's `code.regExp` engine: (pattern, flags) → { test }. Ajv keys compiled patterns by
 * toString(), so it names the pattern. `code` is what standalone code would require (unused).
 * Flags: Ajv passes "u" (unicodeRegExp), which RE2 always is. A string over MAX_PATTERN_SUBJECT
 * never matches (fails `pattern`; as a key it is no patternProperties match, like any other).
 */
export function re2RegExp(pattern: string, _flags: string): { test(s: string): boolean; toString(): string } {
  const re = compileRe2(pattern);
  return { test: (s: string) => s.length <= MAX_PATTERN_SUBJECT && re.test(s), toString: () => `re2:${pattern}` };
}
re2RegExp.code = 'require("~/engine/re2-regexp").re2RegExp';
