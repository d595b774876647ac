// Prints the one closing line CI reads ("N passed, N failed") from vitest's JSON report, after a
// short list of what failed: CI shows only the tail of the output, and the first failure of a run
// (often the cause of the rest) would otherwise be cut off above it.
import fs from "node:fs";
import path from "node:path";
const file = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const failures = [];
/** A failure's first line and, from a browser step, where each person's page stood ("--- who: url"). */
function gist(message) {
  const lines = String(message ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter(Boolean);
  return [lines[0]?.slice(0, 300), ...lines.filter((l) => l.startsWith("--- ")).slice(0, 5)].filter(Boolean).join(" ⏎ ");
}
try {
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const s of r.testResults ?? []) {
    const name = path.relative(process.cwd(), s.name ?? "");
    // A file that failed with no failed test (it did not load, or a beforeAll/afterAll hook threw
    // and its tests were skipped) is one failure: a red run never reads "0 failed".
    if (s.status === "failed" && !(s.assertionResults ?? []).some((a) => a.status === "failed")) failed++;
    if (s.status === "failed" && s.message) failures.push(`${name}: ${gist(s.message)}`);
    for (const a of s.assertionResults ?? []) if (a.status === "failed") failures.push(`${name} > ${a.fullName}: ${gist(a.failureMessages?.[0])}`);
  }
} catch {
  failed = 1;
  console.error(`no test report at ${file}`);
}
if (failures.length) {
  console.log(`\nFailed, file by file (${failures.length}):`);
  for (const f of failures.slice(0, 30)) console.log(`  ✗ ${f}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
