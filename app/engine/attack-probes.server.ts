// Timings of two attacks from issue #10 for bench/attacks.ts (and a sanity check in the tests):
// refusing the BibTeX @string macro bomb, and validating an 80 000-character value against a
// designer-accepted pattern field. Each runs the real code path; nothing is stubbed.
import { CITATION_PARSE_LIMITS, parseCitations } from "./citation-import.server";
import { patternProblem } from "./schema-safety.server";
import { UserError } from "~/engine/errors";
import { createAjv, toFieldErrors, type FieldErrors } from "./validator";

/**
 * The 625-byte file from the issue: @string s0 (16 characters), s1 … s22 each doubling the one
 * before, s24 = 4 × s22, and a record whose title is s24 (2^24 × 16 ≈ 268 million characters).
 */
export function bibtexMacroBomb(): string {
  const lines = ['@string{s0 = "0123456789abcdef"}'];
  for (let i = 1; i <= 22; i++) lines.push(`@string{s${i} = s${i - 1} # s${i - 1}}`);
  lines.push("@string{s24 = s22 # s22 # s22 # s22}", "@article{b, title=s24, year=2020}");
  return `${lines.join("\n")}\n`;
}

/** Parses the macro bomb as an upload would be; resolves with the time to its refusal. */
export async function timeBibtexBombRefusal(text = bibtexMacroBomb()): Promise<{ ms: number; status: number; message: string }> {
  const t = performance.now();
  try {
    await parseCitations(Buffer.from(text), "bomb.bib");
  } catch (e) {
    const ms = performance.now() - t;
    if (e instanceof UserError) return { ms, status: e.status, message: e.message };
    throw e;
  }
  throw new Error(`the macro bomb was accepted (limits: ${JSON.stringify(CITATION_PARSE_LIMITS)})`);
}

/** The two patterns of the issue (polynomial backtracking; 14 s on 80 000 digits + x before RE2). */
export const ISSUE_PATTERNS = ["^\\d+\\.?\\d*$", "^[A-Za-z0-9]+-?[A-Za-z0-9]*$"] as const;
/** The costliest designer-accepted shape for re2js we know: on random a/b text its DFA grows a state per character. */
export const COSTLIEST_ACCEPTED_PATTERN = "[ab]*a[ab]{20}$";

/**
 * Compiles a designer field { type: string, maxLength, pattern } (refused like the designer would
 * if it does not publish) and times one validation of `value` (default: 80 000 digits + x).
 */
export function timePatternValidation(opts: { pattern?: string; maxLength?: number; value?: string } = {}): {
  ms: number;
  compileMs: number;
  valid: boolean;
  errors: FieldErrors;
} {
  const { pattern = ISSUE_PATTERNS[0], maxLength = 20, value = `${"1".repeat(80_000)}x` } = opts;
  const problem = patternProblem(pattern);
  if (problem) throw new Error(`the designer refuses this pattern: ${problem}`);
  const t0 = performance.now();
  const validate = createAjv().compile({ type: "string", maxLength, pattern });
  const t1 = performance.now();
  const valid = validate(value) as boolean;
  const ms = performance.now() - t1;
  return { ms, compileMs: t1 - t0, valid, errors: toFieldErrors(validate.errors) };
}
