// A citation file costs the server little (issue #10, item 2): records and @string expansion are
// bounded before anything is parsed, Citation.js runs in a worker thread with time and heap
// limits, and the event loop keeps turning meanwhile. Every refusal is a Chinese UserError.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bibtexMacroBomb, timeBibtexBombRefusal } from "~/engine/attack-probes.server";
import { scanBibtex } from "~/engine/bibtex-scan";
import { CITATION_PARSE_LIMITS, MAX_CITATION_RECORDS, parseCitations } from "~/engine/citation-import.server";
import { UserError } from "~/engine/errors";

const DIR = path.resolve(__dirname, "../fixtures/citations");
const BOMB = fs.readFileSync(path.join(DIR, "macro-bomb.bib"));
const LIMITS = { maxRecords: MAX_CITATION_RECORDS, maxFieldChars: CITATION_PARSE_LIMITS.maxFieldChars, maxTotalChars: CITATION_PARSE_LIMITS.maxTotalChars };

async function rejected(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

describe("the @string macro bomb from the issue", () => {
  it("is the 625-byte file of doubling macros (s0 … s22, s24) that bench/attacks times", () => {
    expect(BOMB.byteLength).toBe(625);
    expect(BOMB.toString()).toBe(bibtexMacroBomb());
  });

  it("is refused before parsing, at once, with a Chinese message naming the line (s13: 131 072 characters)", async () => {
    const t = process.cpuUsage();
    const e = await rejected(parseCitations(BOMB, "bomb.bib"));
    const d = process.cpuUsage(t);
    // In-process parsing took 4.3 s and gigabytes (s24: a RangeError, a 500); the pre-scan reads 625 bytes.
    expect((d.user + d.system) / 1000).toBeLessThan(200);
    expect(e.status).toBe(400);
    expect(e.message).toBe("BibTeX 文件第 14 行附近的字段经 @string 宏展开后超过 10 万个字符，无法导入；请检查文件或重新导出后再试");
  });

  it("timeBibtexBombRefusal (for the bench) reports the same refusal", async () => {
    const r = await timeBibtexBombRefusal();
    expect(r.status).toBe(400);
    expect(r.message).toContain("@string 宏展开后超过 10 万个字符");
    expect(r.ms).toBeGreaterThan(0);
  });

  // Not tested: the bomb with the pre-scan switched off. Flattening its 268-million-character
  // title is one allocation far past the worker's heap limit, which aborts the whole process, not
  // just the worker (nodejs/node#47224) — the pre-scan is what keeps such strings out.
});

describe("the parser's worker", () => {
  const abstract = "针对复杂工况下的参数辨识问题，本文提出一种改进方法并通过实验验证了其有效性。".repeat(36);
  const big = Array.from({ length: 480 }, (_, i) => `@article{k${i},\n  title={第 ${i} 篇论文的题目},\n  author={张三 and 李四},\n  year={2020},\n  abstract={${abstract}}\n}\n`).join("\n");

  it("parses off the event loop: the loop stays mostly idle while a 2 MB export is parsed", async () => {
    // Event-loop utilisation, not wall time: idle time in the loop is idle however busy the machine is.
    const before = performance.eventLoopUtilization();
    expect(await parseCitations(big, "big.bib")).toHaveLength(480);
    const elu = performance.eventLoopUtilization(before);
    expect(elu.utilization).toBeLessThan(0.5); // parsing in-process: ~1
  }, 60_000);

  it("a worker out of heap is terminated and the file refused", async () => {
    const e = await rejected(parseCitations(big, "big.bib", { limits: { resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 4, stackSizeMb: 4 } } }));
    expect(e.status).toBe(422);
    expect(e.message).toBe("文件解析所需内存过多，文件可能过于复杂或已损坏；请检查文件或重新导出后再试");
  }, 60_000);

  it("a worker out of time is terminated and the file refused", async () => {
    const e = await rejected(parseCitations(fs.readFileSync(path.join(DIR, "papers.bib")), "papers.bib", { limits: { timeoutMs: 1 } }));
    expect(e.status).toBe(422);
    expect(e.message).toBe("文件解析超时（超过 1 毫秒），文件可能过于复杂或已损坏；请检查文件或重新导出后再试");
  });
});

describe("other limits", () => {
  it("counts BibTeX records before parsing: 300 000 empty records are refused at once", async () => {
    const text = "@misc{k,}\n".repeat(200_000); // 2 MB
    const t = process.cpuUsage();
    const e = await rejected(parseCitations(text, "many.bib"));
    const d = process.cpuUsage(t);
    expect(e.message).toBe("文件中的记录超过 500 条，一次最多导入 500 条，请分批导出后再导入");
    expect((d.user + d.system) / 1000).toBeLessThan(500);
  });

  it("refuses a file whose fields add up to too much once expanded (many references to a large macro)", async () => {
    const big = "x".repeat(60_000);
    const text = `@string{big = "${big}"}\n` + Array.from({ length: 80 }, (_, i) => `@article{k${i}, title = big, journal = big}`).join("\n");
    const e = await rejected(parseCitations(text, "wide.bib"));
    expect(e.message).toBe("BibTeX 文件的内容经 @string 宏展开（或 crossref 继承）后超过 400 万个字符，无法导入；请检查文件或重新导出后再试");
  });

  it("RIS and EndNote records are counted before parsing too", async () => {
    const enw = Array.from({ length: 501 }, (_, i) => `%0 Journal Article\n%T 题目 ${i}\n%D 2020\n`).join("\n");
    expect((await rejected(parseCitations(enw, "many.enw"))).message).toContain("一次最多导入 500 条");
  });
});

describe("scanBibtex", () => {
  const requireCjs = createRequire(__filename);
  // The parser's own grammar (before values are decoded): the scan must predict its lengths.
  const { parse: parseRaw } = requireCjs("@citation-js/plugin-bibtex/lib/input/file.js") as { parse(text: string): { properties: Record<string, unknown> }[] };

  it("passes the real exports, counting their records", () => {
    const scan = scanBibtex(fs.readFileSync(path.join(DIR, "papers.bib"), "utf8"), LIMITS);
    expect(scan).toMatchObject({ ok: true, records: 5 });
  });

  it("counts a crossref parent's fields once more for each child", () => {
    const text = "@proceedings{p, title = {0123456789}}\n@inproceedings{c1, crossref = {p}, title = {ab}}\n@inproceedings{c2, crossref = {c1}}\n";
    // p: 10; c1: 1 + 2 + 10; c2: 2 + 13.
    expect(scanBibtex(text, LIMITS)).toEqual({ ok: true, records: 3, largestField: 10, total: 10 + 13 + 15 });
  });

  it("leaves a malformed file to the parser (which names the line)", () => {
    expect(scanBibtex(fs.readFileSync(path.join(DIR, "malformed.bib"), "utf8"), LIMITS).ok).toBe(true);
  });

  // Random files of @string macros (literals with nested braces, escapes and quotes, numbers —
  // not 0, which the parser drops as falsy —, month macros, # concatenation) used by one record:
  // the scan's largest field is exactly the longest value the parser builds.
  it("predicts the parser's expanded field lengths exactly (property)", () => {
    const braced = fc.array(fc.constantFrom("ab", " ", "{x}", '{"q"}', "\\{", "\\}", "\\\\", "%", "é", "{{}}", '"'), { maxLength: 6 }).map((a) => `{${a.join("")}}`);
    const quoted = fc.array(fc.constantFrom("ab", " ", "{x}", "{\"}", "}", "\\{", "\\\\", "中"), { maxLength: 6 }).map((a) => `"${a.join("")}"`);
    const file = fc.array(fc.array(fc.oneof(braced, quoted, fc.integer({ min: 1, max: 99_999 }).map(String), fc.constantFrom("jan", "dec", "ref")), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
      .map((defs) => {
        const lines = defs.map((parts, i) => `@string{m${i} = ${parts.map((p) => (p === "ref" ? (i ? `M${i - 1}` : "jan") : p)).join(" # ")}}`);
        lines.push(`@article{key, ${defs.map((_, i) => `f${i} = m${i} # m${i}`).join(",\n  ")}}`);
        return lines.join("\n");
      });
    fc.assert(
      fc.property(file, (text) => {
        const scan = scanBibtex(text, LIMITS);
        const [entry] = parseRaw(text);
        const longest = Math.max(...Object.values(entry.properties).map((v) => String(v).length));
        expect(scan).toMatchObject({ ok: true, records: 1, largestField: longest });
      }),
      { numRuns: 200 },
    );
  });
});
