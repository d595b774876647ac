// Prints the one closing line CI reads ("N passed, N failed") from vitest's JSON report.
// A suite that failed to load counts as a failure, so a broken file never reads as green.
import fs from "node:fs";
const file = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const s of r.testResults ?? []) if (s.status === "failed" && (s.assertionResults ?? []).length === 0) failed++;
} catch {
  failed = 1;
  console.error(`no test report at ${file}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
