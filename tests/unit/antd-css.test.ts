// Every antd component the pages import has its CSS in the static stylesheet (scripts/build-antd-css.tsx):
// one left out renders unstyled — the 资格预检 list on a plan page showed as a bulleted list,
// because List was missing (issue 16).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
/** Named imports from "antd" that are not components with a stylesheet of their own. */
const NOT_STYLED = new Set(["ConfigProvider", "theme"]);

function antdImports(): Map<string, string> {
  const used = new Map<string, string>();
  const files = (fs.readdirSync(path.join(ROOT, "app"), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f));
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, "app", f), "utf8");
    for (const m of text.matchAll(/import\s*{([^}]*)}\s*from\s*"antd"/g)) {
      for (const part of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        if (part.startsWith("type ")) continue;
        const name = part.split(/\s+as\s+/)[0];
        if (/^[A-Z]/.test(name) && !NOT_STYLED.has(name)) used.set(name, f);
      }
    }
  }
  return used;
}

describe("static antd CSS", () => {
  it("lists every antd component app/ imports", () => {
    const script = fs.readFileSync(path.join(ROOT, "scripts/build-antd-css.tsx"), "utf8");
    const list = /const includes = \[([\s\S]*?)\];/.exec(script)![1];
    const includes = new Set([...list.matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]));
    const used = antdImports();
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter(([name]) => !includes.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });
});
