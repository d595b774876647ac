// 评审表模板管理: templates listed, edited, previewed and published from the browser. A version goes
// through the one publisher with the template kind's checks (whitelisted helpers, no prototype
// access, size and depth limits, every partial present); the partials it calls are pinned from its
// current version, else from templates/partials/. A preview renders the unsaved text against
// sample data generated from the data schema, in the same JavaScript-off Chromium as every PDF.
import fs from "node:fs";
import path from "node:path";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { DefinitionError } from "./definitions/errors";
import { getDefinition, publishDefinition, prepareDefinition } from "./definitions/lifecycle.server";
import { partialName, resolveTemplate, templateKind, templateSafetyProblems, TEMPLATE_HELPERS } from "./definitions/kinds/template.server";
import { workflowKind } from "./definitions/kinds/workflow.server";
import { reviewFormDataSchema } from "./pdf/review-form.server";
import { renderPdf } from "./pdf/render.server";
import { templateEnvironment } from "./templates.server";

const ID = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;
export const isTemplateId = (v: string | undefined): v is string => !!v && v.length <= 128 && ID.test(v);

/** The application types (latest versions) that print with a template. */
async function typesUsing(db: Db, id: string) {
  const ids = (await db.models.WorkflowVersion.findAll({ attributes: ["workflowId"], group: ["workflowId"], raw: true })).map((r) => r.workflowId);
  const out: string[] = [];
  for (const w of ids) {
    const d = await getDefinition(db, workflowKind, w);
    if (d && Object.values(d.templates).includes(id)) out.push(d.name);
  }
  return out;
}

export async function listTemplates(db: Db, o: { q?: string; page: number; pageSize: number }) {
  const rows = await db.models.TemplateVersion.findAll({ attributes: ["templateId", "version", "createdBy", "createdAt"], order: [["templateId", "ASC"], ["version", "DESC"]], raw: true });
  const latest = rows.filter((r, i) => i === 0 || rows[i - 1].templateId !== r.templateId);
  const q = o.q?.trim();
  const hits = q ? latest.filter((r) => r.templateId.includes(q)) : latest;
  const page = hits.slice((o.page - 1) * o.pageSize, o.page * o.pageSize);
  return {
    total: hits.length,
    rows: await Promise.all(page.map(async (r) => ({ id: r.templateId, version: r.version, createdBy: r.createdBy, createdAt: new Date(r.createdAt).toISOString(), usedBy: await typesUsing(db, r.templateId) }))),
  };
}

/** Data paths a template may print, with their descriptions (the data schema, flattened). */
function dataFields(): { path: string; description: string }[] {
  const out: { path: string; description: string }[] = [];
  const walk = (s: any, at: string) => {
    if (!s || typeof s !== "object" || out.length > 400) return;
    if (at) out.push({ path: at, description: String(s.description ?? "") });
    if (s.type === "array" || s.items) { walk(s.items, `${at}.[0]`); return; }
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at ? `${at}.${k}` : k);
  };
  walk(reviewFormDataSchema(), "");
  return out.filter((f) => !f.path.includes("[0]."));
}

function filePartials(): Record<string, string> {
  const dir = path.join(getEnv().templatesDir, "partials");
  const out: Record<string, string> = {};
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const name = partialName(f);
    if (name) out[name] = fs.readFileSync(path.join(dir, f), "utf8");
  }
  return out;
}

/** What the editor shows beside the text: the data fields, the partials and helpers available. */
export async function templateEditor(db: Db, id: string | null) {
  const t = id ? await getDefinition(db, templateKind, id) : null;
  if (id && !t) return null;
  const partials = { ...filePartials(), ...(t?.partials ?? {}) };
  return {
    id, version: t?.version ?? 0, source: t?.source ?? "", createdBy: t?.createdBy ?? null,
    usedBy: id ? await typesUsing(db, id) : [],
    fields: dataFields(), partials: Object.keys(partials).sort(), helpers: [...TEMPLATE_HELPERS],
  };
}

/** The definition the designer's text makes: its partials pinned from the current version, else the files. */
async function definitionOf(db: Db, id: string, source: unknown) {
  if (!isTemplateId(id)) throw new UserError("模板编号应为小写字母、数字、连字符，可用 / 分级，例如 review-form/assessment", 422);
  if (typeof source !== "string" || !source.trim()) throw new UserError("请填写模板内容", 422);
  const current = await getDefinition(db, templateKind, id);
  const available = { ...filePartials(), ...(current?.partials ?? {}) };
  let partials: Record<string, string> = {};
  // Parsed only once it is safe to (a deep nesting overflows Handlebars' parser and leaves it
  // unusable); otherwise the kind's check reports why, with the line.
  if (!templateSafetyProblems(id, source).length) {
    try {
      partials = resolveTemplate(id, source, (name) => (name in available ? { file: `片段 ${name}`, text: available[name] } : null)).partials;
    } catch {
      // a syntax error is reported by the kind's check, with its line
    }
  }
  return { id, source, partials };
}

/** 检查: every check the publisher makes, nothing stored. */
export async function checkTemplate(db: Db, id: string, source: unknown): Promise<string[]> {
  const def = await definitionOf(db, id, source);
  const prepared = prepareDefinition(templateKind, { ...def, version: 1 }, { source: id, untrusted: true });
  return "problems" in prepared ? prepared.problems : [];
}

/** Sample data shaped by the data schema: each text its field's name in brackets. */
function sample(s: any, name: string): unknown {
  if (!s || typeof s !== "object") return null;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  if (type === "object" || s.properties) return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, k)]));
  if (type === "array") return [sample(s.items, name), sample(s.items, name)];
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  if (s.format === "date-time" || s.format === "date") return "2026-12-01T09:00:00+08:00";
  return `〔${name}〕`;
}

/** 预览: the unsaved text rendered against sample data, as a PDF. */
export async function previewTemplate(db: Db, id: string, source: unknown): Promise<Buffer> {
  const problems = await checkTemplate(db, id, source);
  if (problems.length) throw new DefinitionError(problems);
  const def = await definitionOf(db, id, source);
  const h = templateEnvironment(def.partials);
  const html = h.compile(def.source, { strict: false })(sample(reviewFormDataSchema(), "data"));
  return renderPdf(html, { footerText: "预览（示例数据）" });
}

/** 发布新版本: the next version through the publisher; equal content publishes nothing. */
export async function publishTemplate(db: Db, actor: { username: string }, id: string, source: unknown, o: { isNew: boolean }) {
  const def = await definitionOf(db, id, source);
  if (o.isNew && (await getDefinition(db, templateKind, id))) return { ok: false as const, problems: [`模板编号「${id}」已被使用`] };
  try {
    const r = await publishDefinition(db, templateKind, def, { by: actor.username, untrusted: true, skipUnchanged: true });
    return { ok: true as const, version: r.version, unchanged: r.status === "unchanged" };
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    return { ok: false as const, problems: e.problems };
  }
}
