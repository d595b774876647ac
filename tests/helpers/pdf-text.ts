// Reading a rendered PDF's text the way a person reads a table: pdftotext interleaves the lines of
// neighbouring cells, so a wrapped cell ("软土地区深基" / "坑变形智能预" …) is followed down its own
// column using the word boxes of `pdftotext -bbox` (same line: next word to the right; next line:
// a word starting at the cell's left edge).
import { execFileSync } from "node:child_process";

interface Word { page: number; x: number; y: number; x2: number; text: string }

const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, "&");

export function pdfWords(pdf: Buffer): Word[] {
  const html = execFileSync("pdftotext", ["-bbox", "-", "-"], { input: pdf, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const words: Word[] = [];
  let page = 0;
  for (const m of html.matchAll(/<page\b|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) {
    if (m[0] === "<page") { page++; continue; }
    words.push({ page, x: Number(m[1]), y: Number(m[2]), x2: Number(m[3]), text: unescape(m[4]).replace(/\s+/g, "") });
  }
  return words;
}

/** Plain text of the PDF with all whitespace removed (for short strings that don't wrap). */
export function pdfPlain(pdf: Buffer): string {
  return execFileSync("pdftotext", ["-", "-"], { input: pdf, encoding: "utf8" }).replace(/\s+/g, "");
}

/** Whether `text` (whitespace ignored) can be read in the PDF, also when it wraps inside a table cell. */
export function pdfHasText(words: Word[], text: string): boolean {
  const want = text.replace(/\s+/g, "");
  if (!want) return true;
  const follow = (rest: string, cur: Word, left: number): boolean => {
    if (!rest) return true;
    return words.some((w) => {
      if (!w.text || !(rest.startsWith(w.text) || w.text.startsWith(rest))) return false;
      const samePage = w.page === cur.page;
      const sameLine = samePage && Math.abs(w.y - cur.y) < 1 && w.x > cur.x2 - 0.5 && w.x - cur.x2 < 12;
      // A wrapped line starts at the cell's left edge: at or left of where the text began;
      // a cell split by a page break goes on at the top of the next page.
      const nextLine = samePage && w.y - cur.y > 4 && w.y - cur.y < 30 && w.x < left + 3;
      const nextPage = w.page === cur.page + 1 && w.y < 200 && Math.abs(w.x - left) < 3;
      return (sameLine || nextLine || nextPage) && follow(rest.slice(Math.min(w.text.length, rest.length)), w, left);
    });
  };
  return words.some((w) => {
    if (!w.text) return false;
    // The text may start inside a word (a prefix such as "【通过】" before a comment).
    for (let i = 0; i < w.text.length; i++) {
      const tail = w.text.slice(i);
      if (want.startsWith(tail) || tail.startsWith(want)) {
        if (tail.length >= want.length) return true;
        if (follow(want.slice(tail.length), w, w.x)) return true;
      }
    }
    return false;
  });
}
