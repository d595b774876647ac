// Worker thread: Citation.js parses one citation export file. Started by parseCitations
// (app/engine/citation-import.server.ts) through runWorkerJob, with a heap limit and a time limit,
// after a pre-scan has bounded records and @string expansion. Plain JavaScript, so the same file
// runs under vitest, tsx and next to the compiled build/index.js without a loader.
// In (workerData): { text, forceType }. Out: one message, { ok: true, items } or
// { ok: false, message } (the parser's error; the caller words it in Chinese).
import childProcess from "node:child_process";
import http from "node:http";
import https from "node:https";
import { parentPort, workerData } from "node:worker_threads";
import * as citation from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-ris";
import "@citation-js/plugin-enw";

// The format is always forced, so Citation.js has no reason to fetch anything; if it ever tried
// (a URL or DOI taken for input), the attempt fails here instead of leaving the server.
const offline = () => {
  throw new Error("network access is not allowed while parsing a citation file");
};
globalThis.fetch = offline;
for (const m of [http, https]) Object.assign(m, { request: offline, get: offline });
Object.assign(childProcess, { execFileSync: offline, spawnSync: offline, execSync: offline });

const { text, forceType } = workerData;
let answer;
try {
  const out = citation.plugins.input.chain(text, { forceType, generateGraph: false, target: "@csl/list+object" });
  answer = { ok: true, items: Array.isArray(out) ? out : [] };
} catch (e) {
  answer = { ok: false, message: String(e?.message ?? e) };
}
try {
  parentPort.postMessage(answer);
} catch {
  // Structured clone refused something (a function, a class instance): send plain data.
  parentPort.postMessage(JSON.parse(JSON.stringify(answer)));
}
