// A pre-scan of a BibTeX file that computes, without expanding anything, how long each field
// would be once @string macros are expanded (`s1 = s0 # s0` doubles), how much text the parser
// would build in all (crossref inheritance included) and how many records there are — so a
// 625-byte file of doubling macros (2^22 × its first string) or 300 000 empty records is refused
// before Citation.js builds any of it. It follows the grammar of @citation-js/plugin-bibtex
// (input/file.js: the same tokens, @comment and %-comment rules, macros looked up lower-case);
// where it cannot follow the file it stops and leaves the error to the parser, which runs in a
// worker with time and memory limits anyway (citation-import.server.ts). Linear in the file.

export interface BibtexLimits {
  maxRecords: number;
  /** Characters of one field (or @string value) after macro expansion. */
  maxFieldChars: number;
  /** Characters of all field values after expansion, crossref inheritance counted per record. */
  maxTotalChars: number;
}

export type BibtexScan =
  | { ok: true; records: number; largestField: number; total: number }
  | { ok: false; reason: "records"; records: number }
  | { ok: false; reason: "field"; chars: number; line: number }
  | { ok: false; reason: "total"; chars: number };

const IDENTIFIER = /[a-zA-Z_][a-zA-Z0-9_:+-]*/y;
const NUMBER = /-?\d+/y;
const LABEL = /[^,\s]+/y;
const OTHER_TYPE = /string|preamble/iy;
/** The parser's predefined month macros ("01" … "12"). */
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** Upper bound for any other macro the file does not define (the parser's journal abbreviations, ≤ 65, or an Object.prototype name it falls back on, ≤ 49). */
const UNKNOWN_MACRO_CHARS = 80;

class Stop extends Error {}

export function scanBibtex(text: string, limits: BibtexLimits): BibtexScan {
  const n = text.length;
  let i = 0;
  const macros = new Map<string, number>(MONTHS.map((m) => [m, 2]));
  let records = 0;
  let largestField = 0;
  let running = 0;
  let over: BibtexScan | null = null;
  /** Per record: own size, crossref key (when a plain literal), label. */
  const entries: { own: number; crossref: string | null }[] = [];
  const byLabel = new Map<string, number>();

  const sticky = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text[i] !== "%") return;
      while (i < n && text[i] !== "\n" && text[i] !== "\r" && text[i] !== "\u2028" && text[i] !== "\u2029") i++;
    }
  };
  const lineAt = (pos: number) => {
    let line = 1;
    for (let k = text.indexOf("\n"); k >= 0 && k < pos; k = text.indexOf("\n", k + 1)) line++;
    return line;
  };
  /**
   * Length of a {…} or "…" literal's content; i is on the opening delimiter. As the parser's lexer:
   * at the top of "…", \\ and \{ are escapes and } is text; inside braces \\, \{ and \} are.
   */
  const literal = (): number => {
    const start = i;
    const quoted = text[i] === '"';
    let depth = quoted ? 0 : 1;
    i++;
    while (i < n) {
      const c = text[i];
      const next = text[i + 1];
      if (c === "\\" && (next === "\\" || next === "{" || (depth > 0 && next === "}"))) {
        i += 2;
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}" && depth > 0) {
        depth--;
        if (!quoted && depth === 0) return i++ - start - 1;
      } else if (c === '"' && quoted && depth === 0) return i++ - start - 1;
      i++;
    }
    throw new Stop();
  };
  /** Expanded length of `part # part # …`; `key` receives a plain literal's text (for crossref). */
  const expression = (at: number, key?: { text: string | null }): number => {
    let total = 0;
    let parts = 0;
    for (;;) {
      parts++;
      const id = sticky(IDENTIFIER);
      if (id !== null) total += macros.get(id.toLowerCase()) ?? UNKNOWN_MACRO_CHARS;
      else {
        const num = sticky(NUMBER);
        if (num !== null) total += num.length;
        else if (text[i] === "{" || text[i] === '"') {
          const from = i + 1;
          const len = literal();
          total += len;
          if (key) key.text = text.slice(from, from + len);
        } else throw new Stop();
      }
      skipSpace();
      if (text[i] !== "#") break;
      i++;
      skipSpace();
    }
    if (key && parts > 1) key.text = null;
    if (total > largestField) largestField = total;
    if (total > limits.maxFieldChars) {
      over = { ok: false, reason: "field", chars: total, line: lineAt(at) };
      throw new Stop();
    }
    running += total;
    if (running > limits.maxTotalChars) {
      over = { ok: false, reason: "total", chars: running };
      throw new Stop();
    }
    return total;
  };
  /** identifier = expression; returns [lower-case name, length]. */
  const field = (key?: { text: string | null }): [string, number] => {
    const at = i;
    const name = sticky(IDENTIFIER);
    if (name === null) throw new Stop();
    skipSpace();
    if (text[i] !== "=") throw new Stop();
    i++;
    skipSpace();
    return [name.toLowerCase(), expression(at, key)];
  };

  try {
    while (i < n) {
      const at = text.indexOf("@", i);
      if (at < 0) break;
      i = at;
      // "@comment" and the rest of its line are junk to the parser.
      if (/^@comment[^\n\r\u2028\u2029]/i.test(text.slice(i, i + 9))) {
        while (i < n && !"\n\r\u2028\u2029".includes(text[i])) i++;
        continue;
      }
      i++;
      skipSpace();
      const other = sticky(OTHER_TYPE);
      const type = other?.toLowerCase() ?? sticky(IDENTIFIER);
      if (type === null) throw new Stop();
      skipSpace();
      if (text[i] !== "{" && text[i] !== "(") throw new Stop();
      i++;
      skipSpace();
      if (type === "string") {
        const [name, len] = field();
        macros.set(name, len);
      } else if (type === "preamble") {
        expression(i);
      } else {
        if (++records > limits.maxRecords) {
          over = { ok: false, reason: "records", records };
          throw new Stop();
        }
        const label = sticky(LABEL);
        if (label === null) throw new Stop();
        skipSpace();
        if (text[i] !== ",") throw new Stop();
        i++;
        skipSpace();
        const entry = { own: 0, crossref: null as string | null };
        IDENTIFIER.lastIndex = i;
        while (IDENTIFIER.test(text)) {
          const key = { text: null as string | null };
          const [name, len] = field(key);
          entry.own += len;
          if (name === "crossref") entry.crossref = key.text?.trim() ?? null;
          skipSpace();
          if (text[i] !== ",") break;
          i++;
          skipSpace();
          IDENTIFIER.lastIndex = i;
        }
        byLabel.set(label, entries.length);
        entries.push(entry);
      }
      skipSpace();
      if (text[i] !== "}" && text[i] !== ")") throw new Stop();
      i++;
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    if (over) return over;
    // Malformed from here on: the parser reports it (with a line number); count what was read.
  }

  // A record with crossref inherits its parent's fields (recursively): count them once per record.
  const effective = new Array<number>(entries.length).fill(-1);
  let total = 0;
  for (let k = 0; k < entries.length; k++) {
    // Walk up the chain (iteratively; a cycle is cut where it closes — the parser overflows its stack there and reports an error).
    const chain: number[] = [];
    const onChain = new Set<number>();
    let cur: number | undefined = k;
    while (cur !== undefined && effective[cur] < 0 && !onChain.has(cur)) {
      chain.push(cur);
      onChain.add(cur);
      const parent: string | null = entries[cur].crossref;
      cur = parent !== null ? byLabel.get(parent) : undefined;
    }
    let inherited = cur !== undefined && effective[cur] >= 0 ? effective[cur] : 0;
    for (let c = chain.length - 1; c >= 0; c--) inherited = effective[chain[c]] = entries[chain[c]].own + inherited;
    total += effective[k];
    if (total > limits.maxTotalChars) return { ok: false, reason: "total", chars: total };
  }
  return { ok: true, records, largestField, total };
}
