// File names of review-form PDFs (issue #10 item 15): the 申报编号 always leads, and only the
// applicant's name — user text — is cleaned, so a `/`, `\` or formula in it can neither cut the
// number off nor make the entry look like another application's.
import { describe, expect, it } from "vitest";
import { entryName } from "~/engine/pdf/export-jobs.server";
import { reviewFormFileName } from "~/engine/pdf/review-form.server";

const app = (applicantName: string | null, number: string | null = "PS2026000123") => ({ id: 7, number, applicantName });

describe("ZIP entry and download names", () => {
  it("keep the number first whatever the name holds", () => {
    const cases: [string, string][] = [
      ["王五/PS2026000999_李四", "PS2026000123_王五_PS2026000999_李四.pdf"],
      ["..\\..\\PS2026000999", "PS2026000123__.._PS2026000999.pdf"],
      ['=HYPERLINK("http://x/","PS2026000999")', "PS2026000123_=HYPERLINK(_http__x__,_PS2026000999_).pdf"],
      ["张\u202e三", "PS2026000123_张三.pdf"],
      ["", "PS2026000123.pdf"],
    ];
    for (const [name, want] of cases) {
      expect(entryName(app(name), new Set())).toBe(want);
      expect(reviewFormFileName(app(name))).toBe(want.replace(/\.pdf$/, "_评审表.pdf"));
    }
    expect(entryName(app(null), new Set())).toBe("PS2026000123.pdf");
    expect(entryName(app("王五", null), new Set())).toBe("申报7_王五.pdf");
  });

  it("stay unique within a ZIP and bounded in length", () => {
    const used = new Set<string>();
    expect(entryName(app("王五"), used)).toBe("PS2026000123_王五.pdf");
    expect(entryName(app("王五"), used)).toBe("PS2026000123_王五(2).pdf");
    const long = entryName(app("长".repeat(500)), new Set());
    expect(long.startsWith("PS2026000123_长")).toBe(true);
    expect(Array.from(long).length).toBeLessThanOrEqual(100);
  });
});
