// Handlebars templates (templates/<id>.hbs, partials in templates/partials/): the pledge and the
// review forms. One isolated Handlebars instance; user data only ever goes through {{ }} (escaped),
// prototype access stays at Handlebars' safe default, and compiled templates are cached per file
// content so an edited template is picked up without a restart.
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { getEnv } from "~/utils/env.server";
import { singleton } from "~/utils/singleton.server";

const ID_PATTERN = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

export function templatesDir() {
  return getEnv().templatesDir;
}

function templateFile(id: string) {
  if (!ID_PATTERN.test(id)) return null;
  return path.join(templatesDir(), `${id}.hbs`);
}

export function templateExists(id: string) {
  const f = templateFile(id);
  return !!f && fs.existsSync(f);
}

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

const hbs = () => singleton("handlebars", () => {
  const h = Handlebars.create();
  h.registerHelper("cnDate", (v: unknown) => cnDate(v));
  h.registerHelper("cnDateTime", (v: unknown) => cnDate(v, true));
  h.registerHelper("maskId", (v: unknown) => maskIdNumber(v));
  h.registerHelper("yuan", (fen: unknown) => (Number(fen) / 100).toFixed(2));
  h.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  h.registerHelper("inc", (n: unknown) => Number(n) + 1);
  return { h, compiled: new Map<string, { mtime: number; fn: Handlebars.TemplateDelegate }>(), partialsAt: -1 };
});

function loadPartials() {
  const state = hbs();
  const dir = path.join(templatesDir(), "partials");
  if (!fs.existsSync(dir)) return;
  const stamp = Math.max(0, ...fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
  if (stamp === state.partialsAt) return;
  for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    if (f.endsWith(".hbs")) state.h.registerPartial(f.slice(0, -4), fs.readFileSync(file, "utf8"));
    // Print CSS is a partial too, so a template inlines it with {{> print-css}} (no network fetch when printing).
    if (f.endsWith(".css")) state.h.registerPartial(f.slice(0, -4).concat("-css"), fs.readFileSync(file, "utf8"));
  }
  state.partialsAt = stamp;
}

/** Renders templates/<id>.hbs with `data`. Throws when the template does not exist. */
export function renderTemplate(id: string, data: unknown): string {
  const file = templateFile(id);
  if (!file || !fs.existsSync(file)) throw new Error(`模板不存在：${id}`);
  loadPartials();
  const state = hbs();
  const mtime = fs.statSync(file).mtimeMs;
  let entry = state.compiled.get(file);
  if (!entry || entry.mtime !== mtime) {
    entry = { mtime, fn: state.h.compile(fs.readFileSync(file, "utf8"), { strict: false }) };
    state.compiled.set(file, entry);
  }
  return entry.fn(data);
}
