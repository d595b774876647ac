// Worker thread: reads the first worksheet of an uploaded 表决票 (.xlsx) into rows of cell texts.
// Started by importVoteSheet (app/engine/workflow/meetings.server.ts) through runWorkerJob, with a
// heap limit and a time limit. Plain JavaScript, so the same file runs under vitest, tsx and next
// to the compiled build/index.js without a loader.
// In (workerData): { buf, maxRows }. Out: one message, { ok: true, rows: [{ line, cells }] } or
// { ok: false, message } ("rows": too many rows; else the reader's error, worded by the caller).
import { parentPort, workerData } from "node:worker_threads";
import ExcelJS from "exceljs";

const { buf, maxRows } = workerData;
let answer;
try {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(buf).buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error("no worksheet");
  const rows = [];
  let tooMany = false;
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells = [];
    for (let i = 1; i <= Math.min(row.cellCount, 32); i++) cells.push(String(row.getCell(i).text ?? ""));
    if (!cells.some((c) => c.trim() !== "")) return;
    if (rows.length > maxRows) tooMany = true;
    else rows.push({ line, cells });
  });
  answer = tooMany ? { ok: false, message: "rows" } : { ok: true, rows };
} catch (e) {
  answer = { ok: false, message: String(e?.message ?? e) };
}
parentPort.postMessage(answer);
