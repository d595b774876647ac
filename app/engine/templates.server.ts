// Handlebars templates (templates/<id>.hbs, partials in templates/partials/): the pledge and the
// review forms, rendered from their published versions (the template kind of the definitions,
// decision 009), each with the partials it was published with. One isolated Handlebars environment
// per version; user data only ever goes through {{ }} (escaped) and prototype access stays at
// Handlebars' safe default.
import Handlebars from "handlebars";
import type { Transaction } from "sequelize";
import type { Db } from "~/utils/db.server";
import { singleton } from "~/utils/singleton.server";
import { getDefinition, latestVersion, type Published } from "./definitions/lifecycle.server";
import { templateKind, type TemplateDefinition } from "./definitions/kinds/template.server";

// Beijing time whatever the server's own time zone is (containers often run in UTC).
const BEIJING = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** 2026年11月28日 (14:05), Beijing time; "2026-11" → 2026年11月; a plain date stays that date. */
export function cnDate(v: unknown, withTime = false): string {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v === "string" && /^\d{4}-\d{2}$/.test(v)) return `${v.slice(0, 4)}年${Number(v.slice(5))}月`;
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v.slice(0, 4)}年${Number(v.slice(5, 7))}月${Number(v.slice(8))}日`;
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  const p = Object.fromEntries(BEIJING.formatToParts(d).map((x) => [x.type, x.value]));
  const day = `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
  return withTime ? `${day} ${p.hour === "24" ? "00" : p.hour}:${p.minute}` : day;
}

/** 330106199001011234 → 330106********1234: enough to recognise, not enough to reuse. */
export function maskIdNumber(v: unknown): string {
  const s = typeof v === "string" ? v : "";
  if (s.length < 10) return s ? "*".repeat(s.length) : "";
  return `${s.slice(0, 6)}${"*".repeat(s.length - 10)}${s.slice(-4)}`;
}

function environment(partials: Record<string, string>) {
  const h = Handlebars.create();
  h.registerHelper("cnDate", (v: unknown) => cnDate(v));
  h.registerHelper("cnDateTime", (v: unknown) => cnDate(v, true));
  h.registerHelper("maskId", (v: unknown) => maskIdNumber(v));
  h.registerHelper("yuan", (fen: unknown) => (Number(fen) / 100).toFixed(2));
  h.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  h.registerHelper("inc", (n: unknown) => Number(n) + 1);
  for (const [name, source] of Object.entries(partials)) h.registerPartial(name, source);
  return h;
}

// Compiled per content hash: equal content compiles once, whichever database or version it came from.
const compiled = () => singleton("templates.compiled", () => new Map<string, Handlebars.TemplateDelegate>());

function compile(t: Published<TemplateDefinition>) {
  let fn = compiled().get(t.hash);
  if (!fn) {
    fn = environment(t.partials).compile(t.source, { strict: false });
    compiled().set(t.hash, fn);
  }
  return fn;
}

/**
 * Renders a published template with `data`: the given version (an application's pinned one), or
 * the latest when none is given (drafts, and applications submitted before versions were pinned).
 */
export async function renderTemplate(db: Db, id: string, data: unknown, version?: number | null): Promise<string> {
  const t = await getDefinition(db, templateKind, id, version ?? undefined);
  if (!t) throw new Error(`模板不存在：${id}${version ? ` 第 ${version} 版` : ""}`);
  return compile(t)(data);
}

/** The latest published version of each template, as an application pins them at submission. */
export async function latestTemplateVersions(db: Db, ids: string[], transaction?: Transaction): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const v = await latestVersion(db, templateKind, id, transaction);
    if (v !== null) out[id] = v;
  }
  return out;
}
