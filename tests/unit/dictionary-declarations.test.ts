// The dictionary declarations (dictionaries/*.json) load through the definitions lifecycle: each
// names its meta-schema and format, passes the kind's checks, and every reference, scope kind and
// x-dictionary names a declared dictionary. A broken declaration is refused, located, in Chinese.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFINITIONS, DefinitionError, loadDefinitionFiles } from "~/engine/definitions/index.server";
import { refTarget } from "~/engine/definitions/kinds/dictionary.server";
import { dependencyOrder } from "~/engine/dictionary-admin.server";
import { dictionaryFields } from "~/engine/dictionaries.server";
import { readFormFiles } from "~/engine/form-registry.server";
import { SCOPE_KINDS } from "~/engine/people/roles";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, "dictionaries");
const kind = DEFINITIONS.dictionary;

describe("dictionaries/", () => {
  const files = loadDefinitionFiles(kind, DIR);
  const ids = files.map((f) => f.def.id);

  it("loads every declaration, each naming its meta-schema and format", () => {
    expect(ids.sort()).toEqual(["acceptance-departments", "affiliations", "committees", "departments", "holidays", "title-series", "units"]);
    for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith(".json"))) {
      const raw = JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));
      expect(raw.$schema).toBe("https://zcps.local/meta/dictionary.schema.json");
      expect(raw.formatVersion).toBe(1);
    }
  });

  it("references, scope kinds and x-dictionary fields name declared dictionaries", () => {
    for (const { def } of files) for (const c of def.columns) if (c.ref) expect(ids, `${def.id}.${c.name}`).toContain(refTarget(c.ref).dictionary);
    for (const k of Object.values(SCOPE_KINDS)) expect(ids).toContain(k.dictionary);
    for (const { def } of readFormFiles(path.join(ROOT, "forms"))) for (const f of dictionaryFields(def.schema)) expect(ids).toContain(f.dictionary);
  });

  it("orders dictionaries so a reference comes before the rows that use it", () => {
    const order = dependencyOrder(files.map((f) => f.def)).map((d) => d.id);
    for (const { def } of files) {
      for (const c of def.columns) if (c.ref && refTarget(c.ref).dictionary !== def.id) expect(order.indexOf(refTarget(c.ref).dictionary)).toBeLessThan(order.indexOf(def.id));
    }
  });

  it("preselect columns (issue 16 item 3) point at a list a 受理部门 step chooses from; the meta-schema refuses one on a non-ref", () => {
    const chosenFrom = Object.values(SCOPE_KINDS).filter((k) => k.input === "committees" || k.input === "acceptanceDepartments").map((k) => k.dictionary as string);
    const preselects = files.flatMap(({ def }) => def.columns.filter((c) => c.preselect).map((c) => ({ dict: def.id, ref: refTarget(c.ref!).dictionary })));
    expect(preselects.map((p) => p.dict).sort()).toEqual(["departments", "units"]);
    for (const p of preselects) expect(chosenFrom, p.dict).toContain(p.ref);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dicts-"));
    try {
      fs.mkdirSync(path.join(dir, "_meta"));
      fs.copyFileSync(path.join(DIR, "_meta/dictionary.schema.json"), path.join(dir, "_meta/dictionary.schema.json"));
      const bad = { id: "x-list", version: 1, label: "X", table: "x_list", position: 1, key: "name", columns: [{ name: "name", label: "名称", type: "text", required: true, unique: true, preselect: true }], search: ["name"], order: [{ column: "id" }] };
      fs.writeFileSync(path.join(dir, "x.json"), JSON.stringify(bad));
      expect(() => loadDefinitionFiles(kind, dir)).toThrow(DefinitionError);
      try { loadDefinitionFiles(kind, dir); } catch (e) { expect((e as DefinitionError).problems.join("\n")).toMatch(/dictionaries\/x\.json.*columns\.0\.type/); }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a declaration whose key, search or order names no column, locating it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dicts-"));
    try {
      fs.mkdirSync(path.join(dir, "_meta"));
      fs.copyFileSync(path.join(DIR, "_meta/dictionary.schema.json"), path.join(dir, "_meta/dictionary.schema.json"));
      const bad = { id: "x-list", version: 1, label: "X", table: "x_list", position: 1, key: "code", columns: [{ name: "name", label: "名称", type: "text", required: true, unique: true }], search: ["nmae"], order: [{ column: "id" }] };
      fs.writeFileSync(path.join(dir, "x.json"), JSON.stringify(bad));
      fs.writeFileSync(path.join(dir, "y.json"), JSON.stringify({ ...bad, id: "y-list", columns: [{ name: "name", type: "ref", ref: "x-list" }] }));
      let problems: string[] = [];
      try {
        loadDefinitionFiles(kind, dir);
      } catch (e) {
        if (!(e instanceof DefinitionError)) throw e;
        problems = e.problems;
      }
      const text = problems.join("\n");
      expect(text).toContain("dictionaries/x.json: key「code」不是本字典的列");
      expect(text).toContain("dictionaries/x.json: search「nmae」不是本字典的列");
      expect(text).toMatch(/dictionaries\/y\.json（第 1 行第 \d+ 列）: columns\.0\.label 此项为必填项/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
