// The form kind: forms/**/*.json (profile, achievement categories, application forms) and forms an
// administrator publishes in the designer or a configuration bundle; stored in form_versions.
import fs from "node:fs";
import path from "node:path";
import { Op } from "sequelize";
import { getEnv } from "~/utils/env.server";
import { checkAdminContent, checkShapeLimits, toDraft07 } from "../../schema-safety.server";
import { checkFormContent, hashForm, type FormDefinition } from "../../form-registry.server";
import { declaredDictionaryIds, dictionaryFields } from "../../dictionaries.server";
import { dictionaryKind } from "./dictionary.server";
import { at, getDefinition, readJsonFile, type KindSpec, type Raw } from "../lifecycle.server";
import type { FormDefinition as FormFile } from "../types.generated";

export const formKind: KindSpec<FormDefinition, FormFile> = {
  kind: "form",
  label: "表单",
  dir: () => getEnv().formsDir,
  folder: "forms",
  metaSchema: "_meta/form.schema.json",
  format: { current: 1, upgrades: {} },
  versioning: "declared",
  listFiles: (dir) => (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json") && !f.split(path.sep).includes("_meta"))
    .sort(),
  readFile: readJsonFile,
  idOf: (raw) => (typeof raw.id === "string" ? raw.id : null),
  // Admin input: the size limits first (cheap, before anything walks it); the rest of the safety
  // walk runs with the content checks (check), so one 发布 reports every problem.
  safety: (raw) => checkShapeLimits(raw),
  // Admin input: the designer may leave uiSchema/meta out and may write 2019-09 dependentRequired.
  normalise: (raw, { untrusted }) => (untrusted
    ? { ...raw, schema: toDraft07(raw.schema), uiSchema: raw.uiSchema ?? {}, meta: raw.meta ?? {} }
    : { ...raw, meta: raw.meta ?? {} }),
  toDef: (c) => ({ ...c, meta: c.meta ?? {} }),
  check: (def, { source, untrusted }) => {
    // A file names dictionary files; admin input is checked against the published ones (checkPublished).
    const problems = untrusted ? checkAdminContent(def, source) : checkFormContent(def, source, { dictionaries: declaredDictionaryIds() });
    if (untrusted && def.kind === "achievement" && !def.id.startsWith("achievement/")) problems.push(`${at(source)}业绩类别的 id 应以 "achievement/" 开头`);
    return problems;
  },
  // Achievement categories are listed by meta.order: two categories may not share a position
  // (versions of the same category may).
  checkFiles: (files) => {
    const problems: string[] = [];
    const orders = new Map<number, { id: string; source: string }>();
    for (const { file, def } of files) {
      if (def.kind !== "achievement" || typeof def.meta?.order !== "number") continue;
      const other = orders.get(def.meta.order);
      if (other && other.id !== def.id) problems.push(`${file}: meta.order ${def.meta.order} 与 ${other.source}（${other.id}）重复；业绩类别的顺序不能相同`);
      else if (!other) orders.set(def.meta.order, { id: def.id, source: file });
    }
    return problems;
  },
  checkPublished: async (db, def, { source, transaction, others }) => {
    const problems: string[] = [];
    const latest = await getDefinition(db, formKind, def.id, undefined, { transaction });
    if (latest && latest.kind !== def.kind) problems.push(`${at(source)}kind 不能修改：${def.id} 已发布为 ${latest.kind}`);
    for (const f of dictionaryFields(def.schema)) {
      if (!(await getDefinition(db, dictionaryKind, f.dictionary, undefined, { transaction }))) problems.push(`${at(source)}字段 ${f.path.join(".")} 引用了未知字典「${f.dictionary}」`);
    }
    if (def.kind === "achievement" && typeof def.meta?.order === "number") {
      // Every other category as it will be: the batch's own version where it has one.
      const world = new Map<string, FormDefinition>();
      const rows = await db.models.FormVersion.findAll({ where: { kind: "achievement", formId: { [Op.ne]: def.id } }, attributes: ["formId"], group: ["formId"], raw: true, transaction });
      for (const { formId } of rows) {
        if (others?.has(formId)) continue;
        const other = await getDefinition(db, formKind, formId, undefined, { transaction });
        if (other) world.set(formId, other);
      }
      for (const [id, other] of others ?? []) if (id !== def.id && other.kind === "achievement") world.set(id, other);
      for (const other of world.values()) {
        if (Number(other.meta?.order) === def.meta.order) problems.push(`${at(source)}meta.order ${def.meta.order} 与业绩类别「${other.title}」（${other.id}）重复；业绩类别的顺序不能相同`);
      }
    }
    return problems;
  },
  hash: (def) => hashForm(def),
  store: {
    model: (db) => db.models.FormVersion,
    where: (id) => ({ formId: id }),
    toRow: (def) => ({ formId: def.id, kind: def.kind, title: def.title, schema: def.schema, uiSchema: def.uiSchema, meta: def.meta }),
    fromRow: (row: Raw) => ({ id: row.formId, kind: row.kind, title: row.title, schema: row.schema, uiSchema: row.uiSchema ?? {}, meta: row.meta ?? {} }),
  },
};
