// The PDF renderer (app/engine/pdf) in real Chromium: CJK text survives into the PDF (pdftotext),
// a hostile document reaches neither the network nor the file system and runs no script, the
// footer numbers the pages and carries escaped text, the browser is reused, replaced after a
// crash and after N renders, and renders beyond the page limit queue and all succeed. A page whose
// renderer process died is dropped and the render retried on a fresh one; the browser closes after
// its idle time; the start-up sweep kills Chromium left by a dead owner and spares live ones.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  closeRenderer,
  configureRenderer,
  PdfRenderError,
  renderPdfHere as renderPdf,
  rendererStats,
  sweepOrphanedBrowsers,
} from "../../app/engine/pdf/renderer.server";
import { markedChromiums, rendererPids, running, waitFor } from "../helpers/processes";

const squash = (s: string) => s.replace(/\s+/g, "");

function pdfText(pdf: Buffer, page?: number): string {
  const range = page ? ["-f", String(page), "-l", String(page)] : [];
  return execFileSync("pdftotext", ["-layout", ...range, "-", "-"], { input: pdf, encoding: "utf8" });
}

function pdfPages(pdf: Buffer): number {
  const info = execFileSync("pdfinfo", ["-"], { input: pdf, encoding: "utf8" });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

const doc = (body: string, head = "") =>
  `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${head}` +
  `<style>@page { size: A4; margin: 18mm 16mm 20mm 16mm; } body { font-family: "Noto Serif CJK SC", serif; }</style>` +
  `</head><body>${body}</body></html>`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

// A local listener that counts every connection and request: the hostile document points at it.
let listener: http.Server;
let base: string;
let connections = 0;
const requests: string[] = [];

beforeAll(async () => {
  listener = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    res.setHeader("content-type", "text/css");
    res.end("body { color: red }");
  });
  listener.on("connection", () => connections++);
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeRenderer();
  await new Promise((resolve) => listener.close(resolve));
});

beforeEach(() => configureRenderer({ maxConcurrentPages: 2, relaunchAfter: 200, timeoutMs: 30_000, queueTimeoutMs: 120_000, idleCloseMs: 0 }));
afterEach(() => closeRenderer());

describe("renderPdf", () => {
  it("produces an A4 PDF whose text contains the CJK content", async () => {
    const pdf = await renderPdf(doc(`<h1>专业技术职务任职资格评审表</h1><table border="1"><tr><th>姓名</th><td>张晓明</td><th>工作单位</th><td>浙江工业大学</td></tr></table>`));
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const info = execFileSync("pdfinfo", ["-"], { input: pdf, encoding: "utf8" });
    expect(info).toMatch(/Page size:.*\(A4\)/);
    const text = squash(pdfText(pdf));
    for (const s of ["专业技术职务任职资格评审表", "张晓明", "浙江工业大学"]) expect(text).toContain(s);
  });

  it("a hostile document makes no request, opens no connection, reads no file and runs no script", async () => {
    connections = 0;
    requests.length = 0;
    const blocked: string[] = [];
    const before = rendererStats().blockedRequests;
    const html = doc(
      `<p id="t">原始文本保持不变</p>
       <script>document.getElementById('t').textContent = '脚本已运行';</script>
       <img src="${base}/x">
       <iframe src="file:///etc/passwd"></iframe>
       <iframe srcdoc="<p id=f>框架原文</p><script>document.getElementById('f').textContent='框架脚本已运行'</script>"></iframe>
       <iframe src="${base}/frame"></iframe>
       <object data="${base}/object"></object>
       <div style="background: url(${base}/background)">背景图</div>
       <img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==">`,
      `<link rel=stylesheet href=${base}/y>
       <link rel="preconnect" href="${base}"><link rel="prefetch" href="${base}/prefetch">
       <link rel="dns-prefetch" href="//pdf-test.invalid">
       <style>@import url(${base}/import); @font-face { font-family: X; src: url(${base}/font); } p { font-family: X, serif; }</style>
       <meta http-equiv="refresh" content="0; url=${base}/refresh">`,
    );
    const pdf = await renderPdf(html, { onBlocked: (url) => blocked.push(url) });
    // Give anything asynchronous (a late refresh, a prefetch) time to show up on the listener.
    await new Promise((r) => setTimeout(r, 1000));
    expect(requests).toEqual([]);
    expect(connections).toBe(0);

    const text = squash(pdfText(pdf));
    expect(text).toContain("原始文本保持不变");
    expect(text).not.toContain("脚本已运行");
    expect(text).toContain("框架原文");
    expect(text).not.toContain("框架脚本已运行");
    expect(text).toContain("背景图");
    expect(text).not.toMatch(/root:/);

    // The refusals were counted and reported (per call and in the process-wide counter).
    for (const p of ["/x", "/y", "/frame", "/import"]) expect(blocked).toContain(`${base}${p}`);
    expect(rendererStats().blockedRequests - before).toBeGreaterThanOrEqual(blocked.length);
  });

  it("numbers the pages in the footer and shows the escaped footer text", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `<tr><td>${i + 1}</td><td>第${i + 1}项业绩：面向智慧城市的数据治理研究</td></tr>`).join("");
    const pdf = await renderPdf(doc(`<table border="1">${rows}</table>`), { footerText: `申报编号 ZC2026-0001 <b>&"'` });
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let p = 1; p <= pages; p++) {
      const text = squash(pdfText(pdf, p));
      expect(text).toContain(`第${p}页/共${pages}页`);
      expect(text).toContain(`申报编号ZC2026-0001<b>&"'`);
    }
  });

  it("leaves the footer out when asked to", async () => {
    const pdf = await renderPdf(doc("<p>无页脚</p>"), { pageNumbers: false });
    expect(squash(pdfText(pdf))).not.toContain("第1页");
  });

  it("reuses one warm browser across renders", async () => {
    await renderPdf(doc("<p>一</p>"));
    const first = rendererStats();
    await renderPdf(doc("<p>二</p>"));
    const second = rendererStats();
    expect(second.generation).toBe(first.generation);
    expect(second.browserPid).toBe(first.browserPid);
    expect(second.launches).toBe(first.launches);
    expect(second.rendersOnBrowser).toBe(2);
  });

  it("relaunches the browser after it is killed", async () => {
    await renderPdf(doc("<p>杀死之前</p>"));
    const before = rendererStats();
    process.kill(before.browserPid!, "SIGKILL");
    await waitUntil(() => rendererStats().crashes > before.crashes, "the disconnect");
    const pdf = await renderPdf(doc("<p>重新启动之后</p>"));
    expect(squash(pdfText(pdf))).toContain("重新启动之后");
    const after = rendererStats();
    expect(after.generation).toBe(before.generation! + 1);
    expect(after.browserPid).not.toBe(before.browserPid);
  });

  it("replaces a browser that dies under a render and finishes the render", async () => {
    await renderPdf(doc("<p>预热</p>"));
    const before = rendererStats();
    // Killed without waiting for the disconnect: the render meets a dead browser and retries once.
    process.kill(before.browserPid!, "SIGKILL");
    const pdf = await renderPdf(doc("<p>仍然成功</p>"));
    expect(squash(pdfText(pdf))).toContain("仍然成功");
    expect(rendererStats().generation).toBeGreaterThan(before.generation!);
  });

  it("relaunches after N renders and closes the old browser", async () => {
    configureRenderer({ relaunchAfter: 3 });
    const launches: number[] = [];
    let firstPid = 0;
    for (let i = 0; i < 7; i++) {
      await renderPdf(doc(`<p>第${i}份</p>`));
      if (i === 0) firstPid = rendererStats().browserPid!;
      launches.push(rendererStats().launches);
    }
    // Renders 1–3 on the first browser (the third retires it), 4–6 on the second, 7 on the third.
    const l0 = launches[0];
    expect(launches).toEqual([l0, l0, l0, l0 + 1, l0 + 1, l0 + 1, l0 + 2]);
    await waitUntil(() => !alive(firstPid), "the retired browser to exit");
  });

  it("queues renders beyond the page limit and completes them all", async () => {
    const n = 8;
    const calls = Array.from({ length: n }, (_, i) => renderPdf(doc(`<p>并发文档编号${i}号</p>`)));
    const s = rendererStats();
    expect(s.active).toBe(2);
    expect(s.queued).toBe(n - 2);
    const pdfs = await Promise.all(calls);
    pdfs.forEach((pdf, i) => expect(squash(pdfText(pdf))).toContain(`并发文档编号${i}号`));
    expect(rendererStats()).toMatchObject({ active: 0, queued: 0, failures: 0 });
  });

  it("gives a Chinese error on timeout and keeps working", async () => {
    const err = await renderPdf(doc("<p>超时</p>"), { timeoutMs: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(PdfRenderError);
    expect(err.code).toBe("timeout");
    expect(err.message).toMatch(/生成 PDF 超时/);
    expect(squash(pdfText(await renderPdf(doc("<p>之后正常</p>"))))).toContain("之后正常");
  });

  it("refuses a call that waited too long for a page", async () => {
    configureRenderer({ maxConcurrentPages: 1 });
    const running = renderPdf(doc("<p>占用</p>"));
    const busy = await renderPdf(doc("<p>排队</p>"), { queueTimeoutMs: 1 }).catch((e) => e);
    expect(busy).toBeInstanceOf(PdfRenderError);
    expect(busy.code).toBe("busy");
    expect(busy.message).toMatch(/繁忙/);
    expect(squash(pdfText(await running))).toContain("占用");
  });

  it("closeRenderer refuses the queue and ends the browser", async () => {
    await renderPdf(doc("<p>预热</p>"));
    const pid = rendererStats().browserPid!;
    configureRenderer({ maxConcurrentPages: 1 });
    const first = renderPdf(doc("<p>进行中</p>")).catch((e) => e);
    const queued = renderPdf(doc("<p>排队中</p>")).catch((e) => e);
    await closeRenderer();
    const err = await queued;
    expect(err).toBeInstanceOf(PdfRenderError);
    expect(err.code).toBe("closed");
    expect(err.message).toBe("PDF 渲染服务已关闭，请稍后重试");
    // The one in flight either finished before the close or was refused the same way.
    const f = await first;
    if (!Buffer.isBuffer(f)) expect((f as PdfRenderError).code).toBe("closed");
    await waitUntil(() => !alive(pid), "the browser to exit");
    expect(rendererStats().openBrowsers).toBe(0);
  });

  it("drops pages whose renderer crashed while idle and renders on a fresh one", async () => {
    // Two pages in the pool, then every renderer process killed: both pages are crashed.
    await Promise.all([renderPdf(doc("<p>预热一</p>")), renderPdf(doc("<p>预热二</p>"))]);
    const before = rendererStats();
    const renderers = rendererPids(before.browserPid!);
    expect(renderers.length).toBeGreaterThan(0);
    for (const pid of renderers) process.kill(pid, "SIGKILL");
    await waitFor(() => renderers.every((pid) => !running(pid)), "the renderers to die");
    // The original code reused the crashed page: setContent hung until the 30 s timeout.
    for (const text of ["崩溃之后第一份", "崩溃之后第二份", "崩溃之后第三份"]) {
      expect(squash(pdfText(await renderPdf(doc(`<p>${text}</p>`))))).toContain(text);
    }
    const after = rendererStats();
    expect(after.browserPid).toBe(before.browserPid);
    expect(after.failures).toBe(before.failures);
  });

  it("retries a render once on a fresh page when its renderer dies mid-render", async () => {
    await renderPdf(doc("<p>预热</p>"));
    const before = rendererStats();
    const rows = Array.from({ length: 3000 }, (_, i) => `<tr><td>${i}</td><td>第${i}行：渲染过程中崩溃的页面应被替换</td></tr>`).join("");
    const call = renderPdf(doc(`<h1>中途崩溃</h1><table>${rows}</table>`));
    // Kill the renderers while the render is in flight (the page is busy with the big document).
    await waitFor(() => rendererStats().active === 1, "the render to start");
    for (const pid of rendererPids(before.browserPid!)) process.kill(pid, "SIGKILL");
    const pdf = await call;
    expect(squash(pdfText(pdf, 1))).toContain("中途崩溃");
    const after = rendererStats();
    expect(after.failures).toBe(before.failures);
    // Either the kill hit the render (one retry) or it landed between steps; the render succeeded.
    expect(after.retries - before.retries).toBeLessThanOrEqual(1);
  });

  it("answers a Chinese retry hint when every attempt crashes", async () => {
    await renderPdf(doc("<p>预热</p>"));
    const browserPid = rendererStats().browserPid!;
    const before = rendererStats();
    // Keep killing every renderer of this browser while the call runs: both attempts crash.
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        for (const pid of rendererPids(browserPid)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // A document big enough that each attempt is still rendering when the next kill lands.
    const rows = Array.from({ length: 3000 }, (_, i) => `<tr><td>${i}</td><td>第${i}行：一直崩溃</td></tr>`).join("");
    const err = await renderPdf(doc(`<table>${rows}</table>`)).catch((e) => e);
    stop = true;
    await killer;
    // Both attempts crashed (noticed at once, not after the 30 s render timeout): a PdfRenderError,
    // which the routes answer with 503 and this message, never a raw protocol error (a 500).
    expect(err).toBeInstanceOf(PdfRenderError);
    expect(["crashed", "failed"]).toContain(err.code);
    expect(err.message).toMatch(/请稍后重试/);
    expect(rendererStats().failures).toBe(before.failures + 1);
    // And the renderer is fine afterwards.
    expect(squash(pdfText(await renderPdf(doc("<p>恢复正常</p>"))))).toContain("恢复正常");
  });

  it("a browser that cannot start gives a Chinese retry hint without the path or Chromium's output", async () => {
    configureRenderer({ executablePath: "/nonexistent/chromium" });
    try {
      const err = await renderPdf(doc("<p>无法启动</p>")).catch((e) => e);
      expect(err).toBeInstanceOf(PdfRenderError);
      expect(err.code).toBe("launch");
      expect(err.message).toBe("PDF 渲染服务暂时无法启动，请稍后重试");
    } finally {
      configureRenderer({ executablePath: "/usr/bin/chromium" });
    }
  });

  it("closes the warm browser after the idle time and relaunches it on demand", async () => {
    configureRenderer({ idleCloseMs: 300 });
    await renderPdf(doc("<p>闲置之前</p>"));
    const before = rendererStats();
    await waitFor(() => !running(before.browserPid!) && rendererStats().openBrowsers === 0, "the idle browser to close");
    expect(rendererStats().idleCloses).toBe(before.idleCloses + 1);
    // Its helper processes (zygotes) exit a moment after the browser: none may stay behind.
    await waitFor(() => markedChromiums(process.pid).length === 0, "the browser's helper processes to exit");
    const pdf = await renderPdf(doc("<p>闲置之后</p>"));
    expect(squash(pdfText(pdf))).toContain("闲置之后");
    expect(rendererStats().launches).toBe(before.launches + 1);
  });

  it("the sweep kills Chromium whose owner is gone and spares the browsers of live processes", async () => {
    await renderPdf(doc("<p>仍在使用</p>"));
    const ours = rendererStats().browserPid!;
    // A real Chromium with the marker of a process that no longer exists (a server killed -9).
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), `zcps-pdf-p${dead.pid}-`));
    const orphan = spawn("/usr/bin/chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], { stdio: "ignore" });
    try {
      await waitFor(() => markedChromiums(dead.pid!).length > 1, "the orphan's processes");
      // Every server that boots sweeps too (the integration tests start them in the other worker):
      // the orphan and its profile may go by either sweep, so what counts is that both are gone.
      await sweepOrphanedBrowsers();
      await waitFor(() => markedChromiums(dead.pid!).length === 0, "the orphan to die");
      await waitFor(() => !fs.existsSync(profile), "the orphan's profile to be removed");
      // Ours (owned by this live process) survived and still renders.
      expect(running(ours)).toBe(true);
      expect(rendererStats().browserPid).toBe(ours);
      expect(squash(pdfText(await renderPdf(doc("<p>清理之后</p>"))))).toContain("清理之后");
    } finally {
      orphan.kill("SIGKILL");
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
