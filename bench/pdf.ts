// The 评审表 PDF renderer (app/engine/pdf): a representative 3-page review form with 30
// achievements, rendered with a warm browser by renderPdf next to bare puppeteer (setContent +
// page.pdf on an already-open page of a second browser, same run, interleaved), then a batch of
// 500 forms through renderPdf with the peak memory of Chromium's process tree and of Node.
// Prints markdown tables; checks that every PDF has the applicant's name and 3 pages; never
// asserts a time.
//
//   npm run bench:pdf
//   BENCH_PDF_RENDERS=20 BENCH_PDF_BATCH=100 npm run bench:pdf   # quick
//   BENCH_PDF_PAGES=3 npm run bench:pdf                          # 3 pages at once instead of the default
//   BENCH_PDF_ONLY=fonts npm run bench:pdf                        # only the CJK font comparison
//
// The font comparison renders the real 评审表 (templates/review-form/title-review.hbs with its
// partials and print CSS, the bench's 30 achievements as the achievements step lays them out)
// once per installed candidate CJK font (Debian: fonts-wqy-microhei, fonts-wqy-zenhei,
// fonts-noto-cjk Sans/Serif, fonts-arphic-uming/ukai), interleaved in one run: p50/p95 and size.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer, { type PDFOptions } from "puppeteer-core";
import sharp from "sharp";
import { CHROMIUM_ARGS, closeRenderer, configureRenderer, rendererConfig, rendererStats, renderPdfHere as renderPdf } from "../app/engine/pdf/renderer.server";
import { footerTemplate, headerTemplate } from "../app/engine/pdf/footer.server";
import { machine, ms, ROOT, summarize, table } from "./lib";
import { partialName } from "../app/engine/definitions/kinds/template.server";
import { templateEnvironment } from "../app/engine/templates.server";

const RENDERS = intEnv("BENCH_PDF_RENDERS", 50);
const FONT_RENDERS = intEnv("BENCH_PDF_FONT_RENDERS", 30);
const BATCH = intEnv("BENCH_PDF_BATCH", 500);
const ACHIEVEMENTS = intEnv("BENCH_PDF_ACHIEVEMENTS", 30);
if (process.env.BENCH_PDF_PAGES) configureRenderer({ maxConcurrentPages: intEnv("BENCH_PDF_PAGES", 2) });

function intEnv(name: string, def: number) {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return v;
}

// --- the document ------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A 1-inch ID photo (295×413 JPEG, smooth gradient and noise so it compresses like a photo). */
async function photoDataUrl(): Promise<string> {
  const w = 295, h = 413;
  const px = Buffer.alloc(w * h * 3);
  let seed = 7;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed >> 16) % 24;
      const face = (x - w / 2) ** 2 / 90 ** 2 + (y - h * 0.45) ** 2 / 120 ** 2 < 1;
      const i = (y * w + x) * 3;
      px[i] = face ? 225 + (n % 20) : 60 + n;
      px[i + 1] = face ? 190 + n : 110 + n;
      px[i + 2] = face ? 170 + n : 190 + n;
    }
  }
  const jpeg = await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 82 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
}

const CATEGORIES: { name: string; columns: string[]; wide?: number; row: (i: number) => string[] }[] = [
  { name: "主持参与科研项目（基金）情况", columns: ["项目名称", "来源/类别", "级别", "起止时间", "经费(万元)", "本人角色"], row: (i) => [`面向城市治理的多源时空数据融合关键技术研究（课题${i}）`, "浙江省自然科学基金", "省部级", "2021年1月—2023年12月", String(20 + i), i % 2 ? "主持" : "参与（排名第2）"] },
  { name: "论文", columns: ["题目", "刊物", "发表时间", "卷/期/页", "收录/级别", "作者排名"], row: (i) => [`基于图神经网络的交通流预测方法研究与应用（第${i}篇）`, "浙江大学学报（工学版）", `2022年${(i % 12) + 1}月`, `56(${i % 6 + 1}):${100 + i}-${110 + i}`, "EI 收录", i % 3 ? "第一作者" : "通讯作者"] },
  { name: "专利（著作权）情况", columns: ["名称", "类型", "专利号/登记号", "授权时间", "排名", "转化情况"], row: (i) => [`一种用于桥梁结构健康监测的分布式传感装置及方法（${i}）`, "发明专利", `ZL2021${10000000 + i}.X`, `2023年${(i % 12) + 1}月`, `第${(i % 3) + 1}`, i % 2 ? "已转化" : "未转化"] },
  { name: "获奖情况", columns: ["获奖时间", "项目名称", "奖项名称", "级别", "等次", "本人排名"], wide: 1, row: (i) => [`2022年${(i % 12) + 1}月`, `智慧水务综合管理平台关键技术及产业化（${i}）`, "浙江省科学技术进步奖", "省部级", "二等奖", `第${(i % 5) + 1}`] },
  { name: "主持（参与）制定标准情况", columns: ["标准名称", "编号", "级别", "发布时间", "本人角色", "排名"], row: (i) => [`城镇排水管网运行维护技术规程（${i}）`, `DB33/T ${2400 + i}-2023`, "地方标准", "2023年6月", "主编", `第${(i % 4) + 1}`] },
];

export interface FormData { number: string; name: string; unit: string; photo: string }

/** The review form as the templates lay it out (print.css inlined, boxed tables), 30 achievements. */
function reviewFormHtml(d: FormData, css: string): string {
  const per = Math.ceil(ACHIEVEMENTS / CATEGORIES.length);
  let n = 0;
  const sections = CATEGORIES.map((c) => {
    const rows: string[] = [];
    for (let i = 0; i < per && n < ACHIEVEMENTS; i++, n++) {
      rows.push(`<tr><td>${n + 1}</td>${c.row(n + 1).map((v) => `<td>${esc(v)}</td>`).join("")}</tr>`);
    }
    const heads = c.columns.map((h, i) => `<th${i === (c.wide ?? 0) ? ' style="width:36%"' : ""}>${esc(h)}</th>`).join("");
    return `<h2>${esc(c.name)}</h2><table class="boxed list"><tr><th style="width:6%">序号</th>${heads}</tr>${rows.join("")}</table>`;
  }).join("\n");
  const opinions = ["单位审核", "主管部门审核", "受理部门审核", "评委会评审"].map(
    (stage, i) => `<tr><th>${stage}意见</th><td colspan="3">经审核，该同志申报材料真实、完整，符合申报条件，同意推荐。<br><span class="right">审核人：王审核${i + 1}　　2026年3月${10 + i}日</span></td></tr>`,
  ).join("");
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>专业技术职务任职资格评审表</title><style>${css}
table.boxed.list th, table.boxed.list td { font-size: 9pt; line-height: 1.4; padding: 2pt 4pt; }
.photo { width: 30mm; height: 40mm; object-fit: cover; display: block; margin: 0 auto; }</style></head><body>
<h1>专业技术职务任职资格评审表</h1>
<p class="right">申报编号：${esc(d.number)}</p>
<table class="boxed">
<tr><th style="width:16%">姓名</th><td>${esc(d.name)}</td><th style="width:16%">性别</th><td>男</td><td rowspan="5" style="width:24%"><img class="photo" src="${d.photo}" alt="照片"></td></tr>
<tr><th>身份证号</th><td>330106********1234</td><th>出生年月</th><td>1985年6月</td></tr>
<tr><th>工作单位</th><td colspan="3">${esc(d.unit)}</td></tr>
<tr><th>现任职务</th><td>高级工程师</td><th>申报资格</th><td>正高级工程师</td></tr>
<tr><th>职称系列</th><td>工程系列</td><th>专业</th><td>计算机应用技术</td></tr>
<tr><th>学历学位</th><td colspan="2">研究生 / 工学博士</td><th>评审委员会</th><td>浙江省工程系列高级工程师评审委员会</td></tr>
<tr><th>主要工作经历</th><td colspan="4">2008年7月—2014年6月　浙江省交通规划设计研究院　工程师，负责智慧交通信息化系统设计；<br>2014年7月至今　${esc(d.unit)}　高级工程师，主持多源数据融合与城市治理数字化项目。</td></tr>
<tr><th>专业技术工作总结</th><td colspan="4">${"任现职以来，本人长期从事城市基础设施数字化与智慧交通领域的研究和工程实践，主持完成省部级科研项目多项，在交通流预测、桥梁结构健康监测等方向取得系列成果，相关技术在省内多个地市推广应用，产生了显著的社会和经济效益。".repeat(2)}</td></tr>
</table>
${sections}
<h2>审核意见</h2>
<table class="boxed">${opinions}</table>
<p class="muted">本表由系统根据申报材料自动生成，打印后与原件一致。</p>
</body></html>`;
}

function formData(i: number, photo: string): FormData {
  const surnames = "王李张刘陈杨黄赵吴周";
  return { number: `ZC2026-${String(100000 + i)}`, name: `${surnames[i % 10]}晓明${i}`, unit: "浙江工业大学计算机科学与技术学院", photo };
}

// --- the real 评审表, per candidate font --------------------------------------------------------

/** Candidate CJK fonts: family name as print.css would name it, and the Debian package. */
const FONT_CANDIDATES: { family: string; pkg: string; look: string }[] = [
  { family: "WenQuanYi Micro Hei", pkg: "fonts-wqy-microhei", look: "黑体 (sans), TrueType" },
  { family: "WenQuanYi Zen Hei", pkg: "fonts-wqy-zenhei", look: "黑体 (sans), TrueType" },
  { family: "AR PL UMing CN", pkg: "fonts-arphic-uming", look: "明体/宋体 (serif), TrueType" },
  { family: "AR PL UKai CN", pkg: "fonts-arphic-ukai", look: "楷体 (script), TrueType" },
  { family: "Noto Sans CJK SC", pkg: "fonts-noto-cjk", look: "黑体 (sans), OpenType-CFF" },
  { family: "Noto Serif CJK SC", pkg: "fonts-noto-cjk", look: "宋体 (serif), OpenType-CFF" },
];

function installedFamilies(): Set<string> {
  const out = execFileSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" });
  return new Set(out.split("\n").flatMap((l) => l.split(",")).map((f) => f.trim()).filter(Boolean));
}

/** The review form's HTML from the real template and partials, with the bench's achievements. */
function realReviewFormHtml(d: FormData): string {
  const dir = path.join(ROOT, "templates");
  const partials: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(dir, "partials"))) {
    const name = partialName(f);
    if (name) partials[name] = fs.readFileSync(path.join(dir, "partials", f), "utf8");
  }
  const source = fs.readFileSync(path.join(dir, "review-form/title-review.hbs"), "utf8");
  const per = Math.ceil(ACHIEVEMENTS / CATEGORIES.length);
  let n = 0;
  const cn = "一二三四五六七八九十";
  const achievements = CATEGORIES.map((c, k) => {
    const rows = [];
    for (let i = 0; i < per && n < ACHIEVEMENTS; i++, n++) rows.push({ index: i + 1, title: c.row(n + 1)[0], cells: c.row(n + 1) });
    return { categoryId: `achievement/${k}`, version: 1, order: k, title: c.name, seq: k + 1, seqCn: cn[k], count: rows.length, rows,
      columns: c.columns.map((title) => ({ title, nowrap: /时间|经费|级别|排名|等次|类型|编号/.test(title), width: "" })) };
  });
  const at = "2026-03-10T09:00:00+08:00";
  const pair = (a: [string, string], b?: [string, string]) => ({ left: { title: a[0], value: a[1] }, right: b ? { title: b[0], value: b[1] } : null });
  const data = {
    title: "职称评审申报",
    application: { id: 1, number: d.number, typeName: "职称评审申报", statusLabel: "评审委员会评审中", submittedAt: at },
    applicant: { name: d.name, idNumber: "330106198506121234", unit: d.unit, unitCreditCode: "12330000470003281X", department: "浙江省教育厅", affiliation: "省属" },
    profile: { gender: "男", birthDate: "1985年6月12日", ethnicity: "汉族", politicalStatus: "中共党员", workStartDate: "2008年7月", highestEducation: "研究生", highestDegree: "博士", graduateSchool: "浙江大学", graduateMajor: "计算机应用技术", mobile: "13905710001", address: "浙江省杭州市西湖区留和路288号" },
    photo: d.photo,
    plan: { name: "2026年度浙江省工程系列高级工程师职务任职资格评审", year: 2026, titleSeries: "工程", titleLevel: "正高级", titleName: "正高级工程师", qualification: "正高级工程师（正高级）", recognitionType: "", committee: "浙江省工程系列高级工程师职务任职资格评审委员会", acceptanceDepartment: "", feeYuan: "300.00" },
    info: { specialty: "计算机软件" },
    forms: [{ pairs: [pair(["申报专业", "计算机软件"], ["现专业技术资格", "高级工程师"]), pair(["现资格取得时间", "2016年12月"], ["现聘岗位", "项目负责人"])],
      long: [{ title: "任现职以来专业技术工作总结", value: "任现职以来，本人长期从事城市基础设施数字化与智慧交通领域的研究和工程实践，主持完成省部级科研项目多项，在交通流预测、桥梁结构健康监测等方向取得系列成果。".repeat(2) }] }],
    achievements, achievementTotal: ACHIEVEMENTS,
    signature: { image: null, signedAt: at },
    reviewStages: ["单位推荐意见", "主管部门审核意见", "受理意见", "评审委员会评审意见"].map((opinionLabel, i) => ({
      opinionLabel, latest: { actionLabel: "通过", comment: "经审核，该同志申报材料真实、完整，符合申报条件，同意推荐。", actor: `王审核${i + 1}`, at }, earlier: [],
    })),
    generatedAt: at,
  };
  return templateEnvironment(partials).compile(source, { strict: false })(data);
}

/** Every installed candidate, interleaved render by render on the same warm renderer. */
async function compareFonts(photo: string) {
  const have = installedFamilies();
  const fonts = FONT_CANDIDATES.filter((f) => have.has(f.family));
  const missing = FONT_CANDIDATES.filter((f) => !have.has(f.family)).map((f) => `${f.family} (${f.pkg})`);
  const d = formData(0, photo);
  const base = realReviewFormHtml(d);
  // The candidate named first for the whole document (as print.css would name it), nothing else changed.
  const htmlFor = (family: string) => base.replace("</head>", `<style>body, body * { font-family: "${family}", serif !important; }</style></head>`);
  const pagesOf = (pdf: Buffer) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync("pdfinfo", ["-"], { input: pdf, encoding: "utf8" }))?.[1]);
  // pdffonts: name and type per embedded font; Chromium embeds OpenType-CFF (Noto CJK) as unnamed Type 3 fonts.
  const fontsIn = (pdf: Buffer) => [...new Set(execFileSync("pdffonts", ["-"], { input: pdf, encoding: "utf8" }).split("\n").slice(2).filter(Boolean)
    .map((l) => (l.startsWith("[none]") ? "Type 3" : `${l.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, "")} (${/CID TrueType|TrueType|Type 1C|CID Type 0C|Type 3/.exec(l)?.[0] ?? "?"})`)))].join(", ");
  const times = new Map<string, number[]>(fonts.map((f) => [f.family, []]));
  const sizes = new Map<string, { kb: number; pages: number; embedded: string }>();
  for (const f of fonts) {
    const pdf = await renderPdf(htmlFor(f.family), { footerText: `申报编号 ${d.number}` });
    sizes.set(f.family, { kb: pdf.length / 1024, pages: pagesOf(pdf), embedded: fontsIn(pdf) });
    if (process.env.BENCH_PDF_DUMP) fs.writeFileSync(`${process.env.BENCH_PDF_DUMP}-${f.pkg}-${f.family.replace(/\W+/g, "_")}.pdf`, pdf);
  }
  for (let i = 0; i < 3; i++) for (const f of fonts) await renderPdf(htmlFor(f.family), { footerText: `申报编号 ${d.number}` });
  const load0 = os.loadavg()[0];
  for (let i = 0; i < FONT_RENDERS; i++) {
    for (const f of fonts) {
      const t = performance.now();
      await renderPdf(htmlFor(f.family), { footerText: `申报编号 ${d.number}` });
      times.get(f.family)!.push(performance.now() - t);
    }
  }
  const rows = fonts.map((f) => ({ f, s: summarize(times.get(f.family)!), z: sizes.get(f.family)! })).sort((a, b) => a.s.p50 - b.s.p50);
  console.log(`\n### CJK fonts on the real 评审表 (title-review.hbs, ${ACHIEVEMENTS} achievements), renderPdf, ${FONT_RENDERS} renders each, interleaved (load avg ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)})\n`);
  console.log(table(
    ["font (Debian package)", "look", "p50 ms", "p95 ms", "PDFs/s at p50 (one page at a time)", "PDF KB", "pages", "fonts embedded"],
    rows.map(({ f, s, z }) => [`${f.family} (${f.pkg})`, f.look, ms(s.p50), ms(s.p95), (1000 / s.p50).toFixed(2), z.kb.toFixed(0), z.pages, z.embedded]),
  ));
  if (missing.length) console.log(`\nNot installed, not measured: ${missing.join("; ")}.`);
}

// --- memory of Chromium's process tree -------------------------------------------------------

function children(): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!m.has(ppid)) m.set(ppid, []);
      m.get(ppid)!.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return m;
}

function kb(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(file, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function tree(roots: Iterable<number>): Set<number> {
  const kids = children();
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p) || !fs.existsSync(`/proc/${p}`)) continue;
    seen.add(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return seen;
}

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of a process, ms. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return ((f[11] + f[12]) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Last CPU time seen per process of the trees (own utime + stime, ms): a browser's processes
 * may outlive it and be reaped by init, so cutime can't account for them. */
const lastCpu = new Map<number, number>();
function noteCpu(roots: Iterable<number>) {
  for (const p of tree(roots)) lastCpu.set(p, cpuOf(p));
}
const cpuSeen = () => [...lastCpu.values()].reduce((a, b) => a + b, 0);

/** RSS and PSS (shared pages divided among sharers) summed over the trees under `roots`, MB. */
function treeMemory(roots: number[]): { rss: number; pss: number; procs: number } {
  const seen = tree(roots);
  let rss = 0, pss = 0;
  for (const p of seen) {
    rss += kb(`/proc/${p}/status`, "VmRSS");
    pss += kb(`/proc/${p}/smaps_rollup`, "Pss");
  }
  return { rss: rss / 1024, pss: pss / 1024, procs: seen.size };
}

// --- checks ------------------------------------------------------------------------------------

function checkPdf(pdf: Buffer, d: FormData) {
  const info = execFileSync("pdfinfo", ["-"], { input: pdf, encoding: "utf8" });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const text = execFileSync("pdftotext", ["-", "-"], { input: pdf, encoding: "utf8" }).replace(/\s+/g, "");
  const wants = [d.name, d.number, "专业技术职务任职资格评审表", "主持（参与）制定标准情况", "本表由系统根据申报材料自动生成", `第${pages}页/共${pages}页`];
  for (const want of wants) {
    if (!text.includes(want)) throw new Error(`PDF of ${d.number} lacks "${want}"`);
  }
  return pages;
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  console.log(`# bench/pdf — ${machine()}`);
  const css = fs.readFileSync(path.join(ROOT, "templates/partials/print.css"), "utf8");
  const photo = await photoDataUrl();
  await compareFonts(photo);
  if (process.env.BENCH_PDF_ONLY === "fonts") return;
  const sample = formData(0, photo);
  const html = reviewFormHtml(sample, css);
  const cfg = rendererConfig();
  console.log(`\nDocument: ${ACHIEVEMENTS} achievements in ${CATEGORIES.length} categories, 4 opinions, a ${Math.round(photo.length / 1024)} KB data: photo; HTML ${Math.round(html.length / 1024)} KB. Renderer: ${cfg.maxConcurrentPages} pages at once, relaunch every ${cfg.relaunchAfter} renders, Chromium ${cfg.executablePath}.`);

  // The same PDF options as renderPdf, so "bare" differs only by what the renderer adds around them.
  const pdfOptions: PDFOptions = {
    format: "A4", printBackground: true, preferCSSPageSize: true,
    margin: { top: "18mm", right: "16mm", bottom: "20mm", left: "16mm" },
    displayHeaderFooter: true, headerTemplate: headerTemplate(), footerTemplate: footerTemplate({ text: `申报编号 ${sample.number}` }),
  };

  const first = await renderPdf(html, { footerText: `申报编号 ${sample.number}` });
  if (process.env.BENCH_PDF_DUMP) {
    fs.writeFileSync(`${process.env.BENCH_PDF_DUMP}.pdf`, first);
    fs.writeFileSync(`${process.env.BENCH_PDF_DUMP}.html`, html);
  }
  const pages = checkPdf(first, sample);
  if (pages !== 3) console.log(`**The form has ${pages} pages, not 3**: fonts or print.css changed; the figures are for ${pages} pages.`);
  console.log(`renderPdf output: ${pages} pages, ${Math.round(first.length / 1024)} KB.`);

  const bare = await puppeteer.launch({ executablePath: cfg.executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await bare.newPage();
    const barePdf = async (opts: PDFOptions) => {
      await page.setContent(html, { waitUntil: "load" });
      return Buffer.from(await page.pdf(opts));
    };
    if (checkPdf(await barePdf(pdfOptions), sample) !== pages) throw new Error("bare PDF has another page count");

    // Warm-up, then interleaved so both see the same machine load.
    for (let i = 0; i < 5; i++) {
      await renderPdf(html, { footerText: `申报编号 ${sample.number}` });
      await barePdf(pdfOptions);
      await barePdf({ format: "A4" });
    }
    const ours: number[] = [], same: number[] = [], plain: number[] = [];
    const load0 = os.loadavg()[0];
    for (let i = 0; i < RENDERS; i++) {
      let t = performance.now();
      await renderPdf(html, { footerText: `申报编号 ${sample.number}` });
      ours.push(performance.now() - t);
      t = performance.now();
      await barePdf(pdfOptions);
      same.push(performance.now() - t);
      t = performance.now();
      await barePdf({ format: "A4" });
      plain.push(performance.now() - t);
    }
    const o = summarize(ours), s = summarize(same), p = summarize(plain);
    console.log(`\n### Single form, warm browser, ${RENDERS} sequential renders each (interleaved; load avg ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)})\n`);
    console.log(table(
      ["variant", "p50 ms", "p95 ms", "p99 ms", "mean ms", "p50 ratio", "p95 ratio"],
      [
        ["bare: `setContent(load)` + `page.pdf()` with renderPdf's options (footer, backgrounds, CSS page size)", ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), "1.00×", "1.00×"],
        ["bare: `setContent(load)` + `page.pdf({ format: 'A4' })` (no footer)", ms(p.p50), ms(p.p95), ms(p.p99), ms(p.mean), `${(p.p50 / s.p50).toFixed(2)}×`, `${(p.p95 / s.p95).toFixed(2)}×`],
        ["**renderPdf** (queue, JS off, interception, footer text)", ms(o.p50), ms(o.p95), ms(o.p99), ms(o.mean), `**${(o.p50 / s.p50).toFixed(2)}×**`, `**${(o.p95 / s.p95).toFixed(2)}×**`],
      ],
    ));
    console.log(`\nrenderPdf against the no-footer bare run: p50 ${(o.p50 / p.p50).toFixed(2)}×, p95 ${(o.p95 / p.p95).toFixed(2)}×. Target ≤ 1.3× (against the same-options run): ${o.p50 / s.p50 <= 1.3 && o.p95 / s.p95 <= 1.3 ? "met" : "**missed**"}.`);
  } finally {
    await bare.close();
  }

  // Batch: a feeder keeps the renderer's queue full (as an export job would), each form with its own data.
  const before = rendererStats();
  const roots = new Set<number>();
  let peak = { rss: 0, pss: 0, procs: 0 }, nodePeak = 0, samplerCpu = 0;
  const sample1 = () => {
    const c0 = process.cpuUsage();
    const pid = rendererStats().browserPid;
    if (pid) roots.add(pid);
    noteCpu(roots);
    const m = treeMemory([...roots]);
    if (m.rss > peak.rss) peak = { ...m, pss: Math.max(m.pss, peak.pss) };
    else peak.pss = Math.max(peak.pss, m.pss);
    nodePeak = Math.max(nodePeak, process.memoryUsage().rss / 1024 / 1024);
    // Reading smaps_rollup costs kernel time in this process: kept out of Node's CPU per PDF.
    const c = process.cpuUsage(c0);
    samplerCpu += (c.user + c.system) / 1000;
  };
  const sampler = setInterval(sample1, 200);
  // Chromium's CPU: every process of every browser tree, as last seen by the sampler.
  sample1();
  const chromium0 = cpuSeen();
  const cpu0 = process.cpuUsage();
  const load0 = os.loadavg()[0];
  const t0 = performance.now();
  let next = 0, bytes = 0, failures = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < BATCH) {
      const d = formData(next++, photo);
      const t = performance.now();
      try {
        const pdf = await renderPdf(reviewFormHtml(d, css), { footerText: `申报编号 ${d.number}`, queueTimeoutMs: Infinity });
        latencies.push(performance.now() - t);
        bytes += pdf.length;
        if (d.number.endsWith("7")) checkPdf(pdf, d); // every tenth, so the checks don't dominate
      } catch (e) {
        failures++;
        console.error(`form ${d.number}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.maxConcurrentPages * 2 }, worker));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const after = rendererStats();
  noteCpu(roots);
  const chromiumMsPerPdf = (cpuSeen() - chromium0) / BATCH;
  const nodeMsPerPdf = ((cpu.user + cpu.system) / 1000 - samplerCpu) / BATCH;
  const cores = os.cpus().length;
  const l = summarize(latencies);
  const rate = (BATCH - failures) / seconds;
  console.log(`\n### Batch of ${BATCH} forms through renderPdf (${cfg.maxConcurrentPages} pages at once, ${cfg.maxConcurrentPages * 2} feeders; load avg ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)})\n`);
  console.log(table(
    ["PDFs", "failed", "wall s", "PDFs/s", "latency p50 / p95 ms (incl. queue)", "mean PDF KB", "browser launches", "Chromium peak RSS MB (sum, procs)", "Chromium peak PSS MB", "Node peak RSS MB", "Chromium CPU ms/PDF", "Node CPU ms/PDF"],
    [[BATCH - failures, failures, seconds.toFixed(1), rate.toFixed(2), `${ms(l.p50)} / ${ms(l.p95)}`, (bytes / (BATCH - failures || 1) / 1024).toFixed(0), after.launches - before.launches, `${peak.rss.toFixed(0)} (${peak.procs})`, peak.pss.toFixed(0), nodePeak.toFixed(0), chromiumMsPerPdf.toFixed(0), nodeMsPerPdf.toFixed(1)]],
  ));
  const ceiling = (cores * 1000) / (chromiumMsPerPdf + nodeMsPerPdf);
  console.log(`\nTarget ≥ 3 PDFs/s on 2 cores: ${rate >= 3 ? "met" : "**missed**"} at the measured rate (${cores} cores here, shared with the load above). The CPU the renderer spent per PDF (Chromium + Node) allows at most ${ceiling.toFixed(2)} PDFs/s on ${cores} otherwise idle cores${cores === 2 ? ` (target ${ceiling >= 3 ? "reachable" : "**out of reach**"})` : ""}. RSS sums count shared pages once per process; PSS divides them among the sharers. Peaks are sampled every 200 ms over every browser of the run (relaunches included).`);
  if (failures) process.exitCode = 1;
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => closeRenderer());
