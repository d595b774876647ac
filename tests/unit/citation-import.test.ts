// Citation import: the three export formats parse to CSL-JSON (UTF-8, BOM, CRLF, GBK), map into
// a category's fields through meta.citationImport, report what is missing or invalid, and mark
// duplicates by DOI, else normalised title + year. Nothing here touches the network.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  checkCitationImportConfig, checkDraft, detectCitationFormat, doiKey, markDuplicates, MAX_CITATION_FILE_BYTES, parseCitations,
  prepareImport, previewImport, titleKey, toDrafts, type CitationDraft, type CslItem,
} from "~/engine/citation-import.server";
import { hashForm, readFormFiles, type FormDefinition } from "~/engine/form-registry.server";
import { UserError } from "~/engine/errors";

const DIR = path.resolve(__dirname, "../fixtures/citations");
const FORMS = path.resolve(__dirname, "../../forms");
const file = (name: string) => fs.readFileSync(path.join(DIR, name));
// Each fixture is parsed once (a parse starts a worker thread); most tests read the result.
const FIXTURES = ["papers.bib", "papers.ris", "papers.enw", "papers-gbk.ris"];
const parsed = new Map<string, CslItem[]>();
const parse = (name: string) => parsed.get(name)!;

const titles = (items: CslItem[]) => items.map((i) => i.title);
const authors = (i: CslItem) => (i.author ?? []).map((n) => n.literal ?? `${n.family ?? ""}${n.given ? `, ${n.given}` : ""}`);
const year = (i: CslItem) => i.issued?.["date-parts"]?.[0]?.[0];

function refused(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

async function rejected(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

// No request may leave the process while parsing (the parser's worker refuses the network too:
// app/workers/citation-parse.mjs).
const spies: { mockRestore(): void }[] = [];
beforeAll(async () => {
  const boom = () => {
    throw new Error("network access during citation import");
  };
  spies.push(vi.spyOn(globalThis, "fetch").mockImplementation(boom), vi.spyOn(http, "request").mockImplementation(boom), vi.spyOn(https, "request").mockImplementation(boom));
  for (const name of FIXTURES) parsed.set(name, await parseCitations(file(name), name));
}, 60_000);
afterAll(() => spies.forEach((s) => s.mockRestore()));

describe("parseCitations", () => {
  it("reads BibTeX (百度学术/知网 style keys, LaTeX escapes, month names, inproceedings)", () => {
    const items = parse("papers.bib");
    expect(titles(items)).toEqual([
      "基于深度强化学习的柔性作业车间调度方法",
      "面向边缘计算的联邦学习隐私保护机制研究",
      "数控机床主轴热误差建模与补偿技术——以五轴加工中心为例",
      "A hybrid genetic algorithm for multi-objective flexible job shop scheduling with transportation constraints",
      "Lightweight Vision Transformer for Steel Surface Defect Detection",
    ]);
    expect(authors(items[0])).toEqual(["张伟", "李娜", "王强"]);
    expect(authors(items[3])).toEqual(["Zhang, Wei", "Li, Na", "Smith, John R."]);
    expect(items.map(year)).toEqual([2022, 2021, 2020, 2021, 2023]);
    expect(items[0].issued?.["date-parts"]?.[0]).toEqual([2022, 4]);
    expect(items.map((i) => i.DOI ?? null)).toEqual(["10.3785/j.issn.1008-973X.2022.04.006", "10.11897/SP.J.1016.2021.02515", null, "10.1016/j.cie.2021.107390", null]);
    expect(items[0]).toMatchObject({ "container-title": "浙江大学学报(工学版)", volume: "56", issue: "4", page: "681-690", ISSN: "1008-973X" });
    expect(items[3]["container-title"]).toBe("Computers & Industrial Engineering");
    expect(items[4]).toMatchObject({ type: "paper-conference", "container-title": "2023 IEEE International Conference on Industrial Technology (ICIT)" });
  });

  it("reads RIS (CNKI header lines, several AU, DA dates, resolver-prefixed DOI)", () => {
    const items = parse("papers.ris");
    expect(titles(items)).toEqual([
      "面向边缘计算的联邦学习隐私保护机制研究",
      "城市轨道交通地下车站深基坑变形监测与预测",
      "电动汽车锂离子电池健康状态估计方法综述",
      "Graph neural networks for traffic flow forecasting: A survey",
      "Graph Neural Networks for Traffic Flow Forecasting — A Survey",
    ]);
    expect(authors(items[1])).toEqual(["李明华", "徐静", "黄志强"]);
    expect(authors(items[3])).toEqual(["Chen, Li", "Wang, Fang", "Müller, Thomas"]);
    expect(items.map(year)).toEqual([2021, 2019, 2023, 2022, 2022]);
    expect(items[2].issued?.["date-parts"]?.[0]).toEqual([2023, 1, 20]);
    // The resolver prefix is dropped from the DOI; its case is kept.
    expect(items.map((i) => i.DOI ?? null)).toEqual(["10.11897/SP.J.1016.2021.02515", "10.11779/CJGE2019S1037", null, "10.1109/TITS.2022.3190001", null]);
    expect(items[1]).toMatchObject({ "container-title": "岩土工程学报", issue: "S1", page: "145-148", ISSN: "1000-4548" });
  });

  it("reads EndNote .enw (UTF-8 with BOM, CRLF, CNKI tags %+ %K %X %L %W)", () => {
    const bytes = file("papers.enw");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes("\r\n")).toBe(true);
    const items = parse("papers.enw");
    expect(titles(items)).toEqual([
      "数控机床主轴热误差建模与补偿技术—以五轴加工中心为例",
      "基于BIM的装配式建筑施工进度管理研究",
      "乡村振兴背景下浙江省农村电商发展路径研究",
      "Digital twin-driven predictive maintenance for CNC machine tools",
      "Digital twin driven predictive maintenance for CNC machine tools",
    ]);
    expect(authors(items[0])).toEqual(["王芳", "周建国", "赵敏"]);
    expect(authors(items[3])).toEqual(["Zhou, Jianguo", "Liu, Yang", "Brown, David"]);
    expect(items.map(year)).toEqual([2020, 2021, 2023, 2022, 2022]);
    expect(items.map((i) => i.DOI ?? null)).toEqual([null, "10.15951/j.tmgcxb.2021.08.010", "10.3785/j.issn.1008-942X.CN33-6000/C.2023.02.151", "10.1016/j.jmsy.2022.05.012", "10.1016/J.JMSY.2022.05.012"]);
    expect(items[0]).toMatchObject({ "container-title": "中国机械工程", volume: "31", issue: "15", page: "1801-1808", ISSN: "1004-132X", "call-number": "42-1294/TH" });
    expect(items[2]["container-title"]).toBe("浙江大学学报(人文社会科学版)");
  });

  it("joins EndNote continuation lines and ignores text before the first record", async () => {
    const items = await parseCitations("导出自某数据库\n\n%0 Journal Article\n%T 一个很长的题目\n被换行的后半部分\n%A 张三\n%D 2021\n", "x.enw");
    expect(items).toHaveLength(1);
    expect(items[0].title).toBe("一个很长的题目 被换行的后半部分");
  });

  it("reads a GBK-encoded RIS file (as CNKI sometimes exports)", async () => {
    const bytes = file("papers-gbk.ris");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const items = await parseCitations(bytes, "papers-gbk.ris");
    expect(titles(items)).toEqual([
      "钱塘江河口涌潮对海塘结构冲刷影响的数值模拟",
      "数字化改革背景下基层卫生服务绩效评价指标体系构建",
      "面向智能制造的工业互联网平台安全评估方法",
    ]);
    expect(authors(items[0])).toEqual(["钱江涛", "冯晓燕"]);
    expect(items.map((i) => i.DOI ?? null)).toEqual(["10.13243/j.cnki.slxb.20200618", null, null]);
    // A conference paper: RIS puts the year and the proceedings elsewhere; they are moved back.
    expect(items[2]).toMatchObject({ type: "paper-conference", "container-title": "第十五届中国智能制造学术年会论文集" });
    expect(year(items[2])).toBe(2020);
  });

  it("reads UTF-16 files with a BOM", async () => {
    const text = fs.readFileSync(path.join(DIR, "papers.ris"), "utf8");
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect(titles(await parseCitations(le, "papers.ris"))).toEqual(titles(parse("papers.ris")));
  });

  it("detects the format by content; the file name only breaks a tie", async () => {
    expect(detectCitationFormat(file("papers.bib").toString(), "export.txt")).toBe("bibtex");
    expect(detectCitationFormat(file("papers.ris").toString(), "papers.bib")).toBe("ris");
    expect(detectCitationFormat(file("papers.enw").toString())).toBe("endnote");
    const both = "TY  - JOUR\nTI  - x\nER  - \n\n@article{a, title={y}}\n";
    expect(detectCitationFormat(both)).toBe("ris");
    expect(detectCitationFormat(both, "refs.bib")).toBe("bibtex");
    expect(detectCitationFormat("题目：某某研究\n作者：张三")).toBeNull();
    // Tag lines with one space ("TY - JOUR") are read too.
    expect(titles(await parseCitations("TY - JOUR\nTI - 单空格的标签\nPY - 2020\nER - \n"))).toEqual(["单空格的标签"]);
  });

  it("refuses a malformed BibTeX file, naming the line", async () => {
    const e = await rejected(parseCitations(file("malformed.bib"), "malformed.bib"));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^BibTeX 文件格式有误（第 \d+ 行附近）/);
    expect(e.message).toContain("花括号");
  });

  it("refuses a file without records", async () => {
    const msg = "未能从文件中识别出任何文献记录，请确认导出格式为 BibTeX、RIS 或 EndNote";
    expect((await rejected(parseCitations(file("empty.ris"), "empty.ris"))).message).toBe(msg);
    expect((await rejected(parseCitations("", "x.bib"))).message).toBe(msg);
    expect((await rejected(parseCitations("TY  - JOUR\nER  - \n", "x.ris"))).message).toBe(msg);
    // A bare URL or DOI is not fetched: it is simply not an export file.
    expect((await rejected(parseCitations("https://xueshu.baidu.com/u/paperlist?scholarId=abc"))).message).toBe(msg);
    expect((await rejected(parseCitations("10.1016/j.cie.2021.107390"))).message).toBe(msg);
  });

  it("refuses binary files, files over 2 MB and formats the category does not accept", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    expect((await rejected(parseCitations(png, "photo.bib"))).message).toContain("不是文本格式");
    const big = Buffer.alloc(MAX_CITATION_FILE_BYTES + 1, 0x20);
    const e = await rejected(parseCitations(big, "big.bib"));
    expect(e.status).toBe(413);
    expect(e.message).toContain("2 MB");
    expect((await rejected(parseCitations(file("papers.enw"), "papers.enw", { formats: ["bibtex", "ris"] }))).message)
      .toBe("不支持 EndNote 格式的文件，请导出为 BibTeX、RIS 格式后再试");
  });

  it("parses a 2 MB export quickly and refuses one with too many records", async () => {
    const abstract = "针对复杂工况下的参数辨识问题，本文提出一种改进方法并通过实验验证了其有效性。".repeat(36);
    const record = (i: number) => `@article{k${i},\n  title={第 ${i} 篇论文的题目},\n  author={张三 and 李四},\n  journal={计算机学报},\n  year={2020},\n  abstract={${abstract}}\n}\n`;
    const text = Array.from({ length: 480 }, (_, i) => record(i)).join("\n");
    expect(Buffer.byteLength(text)).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_CITATION_FILE_BYTES);
    const t0 = performance.now();
    expect(await parseCitations(text, "big.bib")).toHaveLength(480);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const many = Array.from({ length: 501 }, (_, i) => `TY  - JOUR\nTI  - 题目 ${i}\nPY  - 2020\nER  - \n`).join("\n");
    expect((await rejected(parseCitations(many, "many.ris"))).message).toContain("一次最多导入 500 条");
  });
});

// A paper-like category defined here (the real one may change independently).
const paperLike = (() => {
  const def: Omit<FormDefinition, "id" | "version"> = {
    kind: "achievement",
    title: "测试论文",
    schema: {
      type: "object",
      additionalProperties: false,
      required: ["title", "authors", "rank", "journal", "published", "level"],
      properties: {
        title: { type: "string", title: "题目", minLength: 1, maxLength: 60 },
        authors: { type: "string", title: "全部作者", minLength: 1, maxLength: 16 },
        rank: { type: "integer", title: "本人排名", minimum: 1, maximum: 99 },
        corresponding: { type: "boolean", title: "通讯作者", default: false },
        journal: { type: "string", title: "刊物", maxLength: 100 },
        published: { type: "string", title: "发表时间", format: "year-month", maxLength: 7 },
        day: { type: "string", title: "日期", format: "date", maxLength: 10 },
        year: { type: "integer", title: "年度" },
        vip: { type: "string", title: "卷/期/页", maxLength: 40 },
        pages: { type: "string", title: "页码", maxLength: 30 },
        issn: { type: "string", title: "ISSN", pattern: "^[0-9]{4}-[0-9]{3}[0-9X]$", maxLength: 9 },
        doi: { type: "string", title: "DOI", pattern: "^10\\.[0-9]{4,9}/\\S+$", maxLength: 200 },
        level: { type: "string", title: "收录", enum: ["SCI", "EI", "北大核心", "其他"] },
        kind: { type: "string", title: "类型", enum: ["Article-Journal", "Paper-Conference"] },
        cn: { type: "string", title: "CN", maxLength: 16, pattern: "^[0-9]{2}-[0-9]{4}(/[A-Z0-9]{1,4})?$" },
        keywords: { type: "array", title: "关键词", items: { type: "string", maxLength: 8 }, maxItems: 3 },
      },
    },
    uiSchema: {},
    meta: {
      order: 1, titleField: "title", listColumns: [{ field: "title" }],
      rules: [{ kind: "not-before", field: "published", than: "day", message: "发表时间不能早于日期" }],
      citationImport: {
        formats: ["bibtex", "ris", "endnote"],
        map: {
          title: "title", authors: "author", journal: "container-title", published: "issued", day: "issued", year: "issued",
          vip: "{volume}({issue}):{page}", pages: "page", issn: "ISSN", doi: "DOI", kind: "type", cn: "call-number", keywords: "keyword",
        },
        dedupe: { doi: "doi", title: "title", year: "published" },
        selfRankField: "rank",
      },
    },
  };
  return { id: "achievement/test-paper", version: 1, ...def, hash: hashForm(def) };
})();

describe("toDrafts", () => {
  it("maps CSL items into the category's fields", () => {
    const [first, , third, english] = toDrafts(parse("papers.bib"), paperLike, { selfName: "李娜" });
    expect(first.row).toBe(1);
    expect(first.data).toEqual({
      title: "基于深度强化学习的柔性作业车间调度方法",
      authors: "张伟, 李娜, 王强",
      rank: 2,
      corresponding: false,
      journal: "浙江大学学报(工学版)",
      published: "2022-04",
      year: 2022,
      vip: "56(4):681-690",
      pages: "681-690",
      issn: "1008-973X",
      doi: "10.3785/j.issn.1008-973X.2022.04.006",
      kind: "Article-Journal",
    });
    // Only a year and month in the file: the date field stays empty and says why.
    expect(first.notes.day).toBe("文件中只有 2022-04，请补充完整日期");
    expect(first.missing).toEqual(["level"]);
    expect(first.invalid).toEqual({});
    expect(first.valid).toBe(false);
    expect(first.source).toEqual({ title: "基于深度强化学习的柔性作业车间调度方法", year: 2022 });
    // Only a year: year-month stays empty (required → missing) with a note; integer year filled.
    expect(third.data.published).toBeUndefined();
    expect(third.data.year).toBe(2020);
    expect(third.notes.published).toBe("文件中只有年份 2020，请补充月份");
    expect(third.missing).toEqual(["rank", "published", "level"]);
    expect(third.notes.rank).toBe("作者中未找到「李娜」，请填写本人排名");
    // English names are written given-name first; a long author list is cut at a name + 等.
    expect(english.data.authors).toBe("Wei Zhang 等");
    expect(english.notes.authors).toBe("作者较多，已保留前 1 位");
    expect(english.data.title).toHaveLength(60);
    expect(english.notes.title).toBe("原值超过 60 个字符，已截断");
    expect(english.data.vip).toBe("158:107390");
  });

  it("fills year-month and date from full dates, ranks by the profile name, keeps CN and keywords", () => {
    const [, , battery] = toDrafts(parse("papers.ris"), paperLike, { selfName: "孙 丽" });
    expect(battery.data).toMatchObject({ published: "2023-01", day: "2023-01-20", year: 2023, rank: 2, vip: "59(2):1-19" });
    const [machine] = toDrafts(parse("papers.enw"), paperLike);
    expect(machine.data).toMatchObject({ cn: "42-1294/TH", keywords: ["数控机床", "热误差", "补偿"] });
    const [rail] = toDrafts(parse("papers.ris"), paperLike, { selfName: "Li Chen" });
    expect(rail.data.rank).toBeUndefined();
    const [, , , survey] = toDrafts(parse("papers.ris"), paperLike, { selfName: "Li Chen" });
    expect(survey.data.rank).toBe(1);
  });

  it("reports values that fail validation per field, and passes a complete draft", () => {
    const item: CslItem = {
      type: "article-journal", title: "测试题目", author: [{ family: "张三" }], "container-title": "某学报",
      issued: { "date-parts": [[2021, 6, 1]] }, ISSN: "ISSN 12345", DOI: "doi:abc/def", "call-number": "浙江",
    };
    const [d] = toDrafts([item], paperLike, { selfName: "张三" });
    expect(d.data).toMatchObject({ issn: "ISSN 1234", doi: "abc/def", rank: 1 });
    expect(d.invalid).toEqual({ issn: ["格式不正确"], doi: ["格式不正确"], cn: ["格式不正确"] });
    expect(d.missing).toEqual(["level"]);
    const [ok] = toDrafts([{ ...item, ISSN: "1234567x", DOI: "https://doi.org/10.1234/ABC", "call-number": undefined }], paperLike, { selfName: "张三" });
    expect(ok.data.issn).toBe("1234-567X");
    expect(ok.data.doi).toBe("10.1234/ABC");
    expect(ok.invalid).toEqual({});
    expect(ok.notes).toEqual({});
    expect(ok.missing).toEqual(["level"]);
    const complete = checkDraft(paperLike, { ...ok.data, level: "北大核心" });
    expect(complete).toEqual({ missing: [], invalid: {}, valid: true });
    // Declared cross-field rules are checked too.
    expect(checkDraft(paperLike, { ...ok.data, level: "北大核心", published: "2021-05" }).invalid).toEqual({ published: ["发表时间不能早于日期"] });
    expect(checkDraft(paperLike, { ...ok.data, level: "EI", title: "" }).missing).toEqual(["title"]);
  });

  it("leaves a value outside a field's options empty, with a note", () => {
    const [d] = toDrafts([{ type: "thesis", title: "某学位论文", author: [{ family: "王五" }] }], paperLike);
    expect(d.data.kind).toBeUndefined();
    expect(d.notes.kind).toBe("原值「thesis」不在可选项中，请选择");
  });

  it("refuses a category without citation import", () => {
    expect(() => toDrafts([], { ...paperLike, meta: {} })).toThrow("该类别不支持导入");
  });
});

describe("hostile field values (up to the pre-scan's 100 000 characters) cost little", () => {
  it("a title of 50 000 '<' and a keyword field of 50 000 spaces map and de-duplicate in linear time", () => {
    // <[^>]+> in titleKey and \s* around the keyword separator were quadratic: seconds each.
    const item: CslItem = { title: "<".repeat(50_000), keyword: `${" ".repeat(50_000)}x`, DOI: "10.1000/x" };
    const t = process.cpuUsage();
    const drafts = markDuplicates(toDrafts([item, { ...item, DOI: undefined }], paperLike), [], paperLike.meta.citationImport!.dedupe);
    const d = process.cpuUsage(t);
    expect((d.user + d.system) / 1000).toBeLessThan(500);
    expect(drafts[0].data.keywords).toEqual(["x"]);
    expect(titleKey("<b>题目</b> <i")).toBe("题目i");
  });
});

describe("markDuplicates", () => {
  const dedupe = paperLike.meta.citationImport!.dedupe;
  const all = (): CitationDraft[] => {
    const out: CitationDraft[] = [];
    for (const f of ["papers.bib", "papers.ris", "papers.enw"]) out.push(...toDrafts(parse(f), paperLike));
    return out.map((d, i) => ({ ...d, row: i + 1 }));
  };

  it("normalises DOIs and titles", () => {
    expect(doiKey("https://doi.org/10.1016/J.JMSY.2022.05.012")).toBe("10.1016/j.jmsy.2022.05.012");
    expect(doiKey("http://dx.doi.org/10.1/X")).toBe("10.1/x");
    expect(doiKey(" ")).toBeNull();
    expect(titleKey("数控机床主轴热误差建模与补偿技术——以五轴加工中心为例")).toBe(titleKey("数控机床主轴热误差建模与补偿技术—以五轴加工中心为例"));
    expect(titleKey("基于 BIM 的装配式建筑：施工进度管理研究。")).toBe(titleKey("基于BIM的装配式建筑施工进度管理研究"));
    expect(titleKey("Graph neural networks for traffic flow forecasting: A survey")).toBe(titleKey("Graph Neural Networks for Traffic Flow Forecasting — A Survey"));
    expect(titleKey("ＢＩＭ（全角）《测试》")).toBe("bim全角测试");
  });

  it("flags repeats within the file and across files: DOI first, else title + year", () => {
    const marked = all();
    const dups = markDuplicates(marked, [], dedupe).filter((d) => d.duplicate).map((d) => [d.row, d.duplicate!.by, d.duplicate!.row, d.duplicate!.message]);
    expect(dups).toEqual([
      // papers.ris #1 = papers.bib #2 (same DOI, one with a resolver prefix)
      [6, "doi", 2, "与文件中第 2 条重复（DOI 相同）"],
      // papers.ris #5 = papers.ris #4 (no DOI on one side; same title and year)
      [10, "title", 9, "与文件中第 9 条重复（题目和年份相同）"],
      // papers.enw #1 = papers.bib #3 (no DOIs; titles differ only in dashes)
      [11, "title", 3, "与文件中第 3 条重复（题目和年份相同）"],
      // papers.enw #5 = papers.enw #4 (same DOI in another case, with a resolver prefix)
      [15, "doi", 14, "与文件中第 14 条重复（DOI 相同）"],
    ]);
  });

  it("flags records the applicant already has in the archive", () => {
    const existing = [
      { title: "另一篇", doi: "10.11779/cjge2019s1037", published: "2019-05" },
      { title: "电动汽车锂离子电池健康状态估计方法综述", published: "2023-01" },
      { title: "面向边缘计算的联邦学习隐私保护机制研究", published: "2019-01" },
    ];
    const drafts = markDuplicates(toDrafts(parse("papers.ris"), paperLike), existing, dedupe);
    expect(drafts.map((d) => d.duplicate && [d.duplicate.against, d.duplicate.by, d.duplicate.index])).toEqual([
      null, // same title as existing[2] but another year (2021 vs 2019), and it has a DOI the archive lacks
      ["archive", "doi", 0],
      ["archive", "title", 1],
      null,
      ["file", "title", undefined],
    ]);
    expect(drafts[1].duplicate!.message).toBe("与已有条目重复（DOI 相同）");
  });

  it("does not merge different DOIs with the same title, nor the same title in other years", () => {
    const base = toDrafts([{ title: "同名论文", DOI: "10.1/a", issued: { "date-parts": [[2020]] } }], paperLike)[0];
    const other = { ...base, row: 2, data: { ...base.data, doi: "10.1/b" } };
    const later = { ...base, row: 3, data: { title: "同名论文" }, source: { title: "同名论文", year: 2021 } };
    expect(markDuplicates([base, other, later], [], dedupe).map((d) => d.duplicate)).toEqual([null, null, null]);
    expect(markDuplicates([base, other], [], {}).map((d) => d.duplicate)).toEqual([null, null]);
  });

  it("previewImport = parse → drafts → duplicates with the category's settings", async () => {
    const drafts = await previewImport(file("papers.enw"), "papers.enw", paperLike, [{ doi: "10.15951/J.TMGCXB.2021.08.010" }]);
    expect(drafts.map((d) => d.duplicate?.by ?? null)).toEqual([null, "doi", null, null, "doi"]);
  });
});

describe("prepareImport (the server side of 【导入】)", () => {
  const drafts = () => toDrafts(parse("papers.bib"), paperLike, { selfName: "张伟" });
  const complete = (d: CitationDraft, over: Record<string, unknown> = {}) => ({
    row: d.row, source: d.source, data: { rank: 1, published: `${d.source.year}-01`, ...d.data, level: "北大核心", ...over },
  });

  it("passes complete rows through, skipping rows already in the archive unless ticked knowingly", () => {
    const [a, b, c] = drafts();
    const existing = [{ title: "x", doi: "10.11897/sp.j.1016.2021.02515" }];
    const out = prepareImport(paperLike, [complete(a), complete(b), complete(c)], existing);
    expect(out.datas.map((d) => d.title)).toEqual([a.data.title, c.data.title]);
    expect(out.skipped).toEqual([{ row: 2, message: "与已有条目重复（DOI 相同）" }]);
    const forced = prepareImport(paperLike, [complete(a), { ...complete(b), allowDuplicate: true }], existing);
    expect(forced.datas).toHaveLength(2);
    // A second click on 【导入】 after the first went through imports nothing again.
    const again = prepareImport(paperLike, [complete(a), complete(c)], out.datas);
    expect(again).toEqual({ datas: [], skipped: [{ row: 1, message: "与已有条目重复（DOI 相同）" }, { row: 3, message: "与已有条目重复（题目和年份相同）" }] });
  });

  it("refuses the whole import while rows miss required fields or have wrong values, naming them", () => {
    const [a, b, c] = drafts();
    const e = refused(() => prepareImport(paperLike, [complete(a), { row: b.row, data: b.data }, complete(c, { issn: "12" })], []));
    expect(e.status).toBe(422);
    expect(e.message).toBe("第 2、3 条还有必填项未填写或填写有误，请补充后再导入，或取消勾选这些记录");
    expect(e.fieldErrors).toEqual({
      "2.rank": ["此项为必填项"], "2.published": ["此项为必填项"], "2.level": ["此项为必填项"], "3.issn": ["格式不正确"],
    });
    expect(refused(() => prepareImport(paperLike, [complete(a, { isAdmin: true })], [])).fieldErrors).toEqual({ 1: ["不允许的字段：isAdmin"] });
  });

  it.each([
    ["not a list", { row: 1 }, "提交的数据格式不正确"],
    ["an empty list", [], "请至少勾选一条记录"],
    ["a row without data", [{ row: 1 }], "提交的数据格式不正确"],
    ["the same row twice", [{ row: 1, data: {} }, { row: 1, data: {} }], "提交的数据格式不正确"],
    ["too many rows", Array.from({ length: 501 }, (_, i) => ({ row: i + 1, data: {} })), "一次最多导入 500 条"],
  ])("refuses %s", (_, rows, message) => {
    expect(refused(() => prepareImport(paperLike, rows, [])).message).toBe(message);
  });
});

describe("the categories in forms/ that switch citation import on", () => {
  const files = readFormFiles(FORMS);
  const profile = files.find((f) => f.def.id === "profile")!.def;
  const importing = files.filter((f) => f.def.meta?.citationImport);

  it.each(importing.map((f) => [f.file, f.def] as const))("%s: map, dedupe and profile link name real fields", (_, def) => {
    expect(checkCitationImportConfig(def, profile.schema)).toEqual([]);
  });

  it.each(importing.map((f) => [f.file, f.def] as const))("%s: the fixtures map into its real schema", (_, def) => {
    const form = { ...def, hash: hashForm(def) };
    for (const name of ["papers.bib", "papers.ris", "papers.enw", "papers-gbk.ris"]) {
      const drafts = toDrafts(parse(name), form);
      for (const d of drafts) {
        // Whatever the import could fill passes the field's own checks; what is left is listed.
        expect(d.invalid).toEqual({});
        expect(Object.keys(d.data).length).toBeGreaterThan(3);
        for (const m of d.missing) expect(def.schema.required).toContain(m);
      }
    }
  });
});
