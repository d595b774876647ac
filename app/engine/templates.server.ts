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
import { cnDate, maskIdNumber, maskMobile } from "./format-value";

// Defined with the value formatter (client-safe); server modules that print dates still import it from here.
export { cnDate };

/** An isolated Handlebars with the engine's helpers (TEMPLATE_HELPERS lists them for the checks) and `partials`. */
export function templateEnvironment(partials: Record<string, string>) {
  const h = Handlebars.create();
  h.registerHelper("cnDate", (v: unknown) => cnDate(v));
  h.registerHelper("cnDateTime", (v: unknown) => cnDate(v, true));
  h.registerHelper("maskId", (v: unknown) => maskIdNumber(v));
  h.registerHelper("maskMobile", (v: unknown) => maskMobile(v));
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
    fn = templateEnvironment(t.partials).compile(t.source, { strict: false });
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
