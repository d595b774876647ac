// The template kind: templates/**/*.hbs (the pledge, the review forms), each published with the
// partials and print CSS it uses (templates/partials/, followed through partials of partials)
// resolved at publish time, so a published version renders the same forever whatever happens to
// the files later. Versions are numbered by the engine: a file (or a partial it uses) whose content
// differs from the latest version is published as the next one.
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { getEnv } from "~/utils/env.server";
import { contentHash } from "../hash";
import type { KindSpec, Raw } from "../lifecycle.server";
import type { TemplateFile } from "../types.generated";

/** A template with the partials it uses, by the name it is called with ({{> review-head}}, {{> print-css}});
 * its version is given by the publisher. */
export type TemplateDefinition = Pick<TemplateFile, "id" | "source" | "partials"> & { version: number };

const PARTIALS = "partials";

/** A partial's name: review-head.hbs → review-head; print CSS is a partial too: print.css → print-css
 * (a template inlines it, so printing fetches nothing). */
export function partialName(file: string): string | null {
  if (file.endsWith(".hbs")) return file.slice(0, -4);
  if (file.endsWith(".css")) return `${file.slice(0, -4)}-css`;
  return null;
}

interface PartialRef { name: string | null; line: number }

/** The partials a template calls by a fixed name (null: a dynamic name); inline partials and
 * @partial-block are the template's own. Throws Handlebars' parse error. */
function partialRefs(source: string): PartialRef[] {
  const refs: PartialRef[] = [];
  const inline = new Set<string>();
  const v = new Handlebars.Visitor();
  const proto = Handlebars.Visitor.prototype;
  const collect = (p: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement) => {
    // {{> "quoted name"}} parses as a string literal, which the AST types do not list.
    const n = p.name as hbs.AST.PathExpression | hbs.AST.SubExpression | hbs.AST.StringLiteral;
    const name = n.type === "PathExpression" ? n.original : n.type === "StringLiteral" ? n.value : null;
    refs.push({ name, line: p.loc?.start.line ?? 0 });
  };
  v.PartialStatement = function (p) { collect(p); proto.PartialStatement.call(this, p); };
  v.PartialBlockStatement = function (p) { collect(p); proto.PartialBlockStatement.call(this, p); };
  v.DecoratorBlock = function (d) {
    const first = d.params[0];
    if (d.path.original === "inline" && first?.type === "StringLiteral") inline.add((first as hbs.AST.StringLiteral).value);
    proto.DecoratorBlock.call(this, d);
  };
  v.accept(Handlebars.parse(source));
  return refs.filter((r) => r.name === null || (!r.name.startsWith("@") && !inline.has(r.name)));
}

/** The helpers a template may call: Handlebars' own and the engine's (templates.server.ts). No `log`. */
export const TEMPLATE_HELPERS = ["if", "unless", "each", "with", "lookup", "cnDate", "cnDateTime", "maskId", "maskMobile", "yuan", "eq", "inc"] as const;
/** Names that reach an object's prototype rather than the data. */
const PROTO_NAMES = new Set(["constructor", "__proto__", "prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "valueOf", "toString", "toLocaleString"]);
export const TEMPLATE_LIMITS = { maxBytes: 200 * 1024, maxDepth: 40 };

/**
 * What a template may not do, with its line: call a helper that is not whitelisted, name an
 * object's prototype members (in a path or as a lookup), nest blocks deeper than the limit, or be
 * over the size limit. Handlebars' runtime refuses prototype access too; this says so before publishing.
 */
export function templateSafetyProblems(where: string, source: string): string[] {
  if (Buffer.byteLength(source, "utf8") > TEMPLATE_LIMITS.maxBytes) return [`${where}: 模板超过 ${TEMPLATE_LIMITS.maxBytes / 1024} KB（${Math.ceil(Buffer.byteLength(source, "utf8") / 1024)} KB）`];
  // Measured on the text before Handlebars parses it: its parser recurses per level, and a stack
  // overflow inside it leaves it unusable for the next template.
  if (lexicalDepth(source) > TEMPLATE_LIMITS.maxDepth) return [`${where}: 区块嵌套超过 ${TEMPLATE_LIMITS.maxDepth} 层`];
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (e) {
    // Thousands of nested blocks overflow the parser's recursion: that is the depth limit speaking.
    if (e instanceof RangeError) return [`${where}: 区块嵌套超过 ${TEMPLATE_LIMITS.maxDepth} 层`];
    return [parseProblem(where, e as Error)];
  }
  const problems = new Set<string>();
  const line = (n: hbs.AST.Node) => `${where}（第 ${n.loc?.start.line ?? 0} 行）`;
  const allowed = new Set<string>(TEMPLATE_HELPERS);
  let depth = 0;
  let deepest: hbs.AST.Node | null = null;
  const v = new Handlebars.Visitor();
  const proto = Handlebars.Visitor.prototype;
  const called = (n: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression) => {
    const path = n.path as hbs.AST.PathExpression;
    const withArgs = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
    if (path.type === "PathExpression" && withArgs && !allowed.has(path.original)) problems.add(`${line(n)}: 不允许的辅助函数「${path.original}」（可用：${TEMPLATE_HELPERS.join("、")}）`);
    if (path.type === "PathExpression" && path.original === "lookup") {
      for (const p of n.params) if (p.type === "StringLiteral" && PROTO_NAMES.has((p as hbs.AST.StringLiteral).value)) problems.add(`${line(n)}: 不允许访问「${(p as hbs.AST.StringLiteral).value}」`);
    }
  };
  v.PathExpression = function (p) {
    for (const part of p.parts) if (PROTO_NAMES.has(part)) problems.add(`${line(p)}: 不允许访问「${part}」`);
    proto.PathExpression.call(this, p);
  };
  v.MustacheStatement = function (m) { called(m); proto.MustacheStatement.call(this, m); };
  v.SubExpression = function (m) { called(m); proto.SubExpression.call(this, m); };
  v.BlockStatement = function (b) {
    called(b);
    depth++;
    if (depth > TEMPLATE_LIMITS.maxDepth && !deepest) deepest = b;
    proto.BlockStatement.call(this, b);
    depth--;
  };
  try {
    v.accept(ast);
  } catch (e) {
    // Thousands of nested blocks overflow the visitor's recursion before the depth is counted.
    if (e instanceof RangeError) return [`${where}: 区块嵌套超过 ${TEMPLATE_LIMITS.maxDepth} 层`];
    throw e;
  }
  if (deepest) problems.add(`${line(deepest)}: 区块嵌套超过 ${TEMPLATE_LIMITS.maxDepth} 层`);
  return [...problems];
}

/** The deepest nesting of blocks ({{#…}}/{{^…}} … {{/…}}) and of sub-expressions inside a tag,
 * comments aside. One pass with indexOf: linear whatever the text (no regex to backtrack). */
function lexicalDepth(source: string): number {
  let blocks = 0;
  let deepest = 0;
  for (let i = source.indexOf("{{"); i >= 0; i = source.indexOf("{{", i)) {
    const long = source.startsWith("{{!--", i);
    const close = long ? source.indexOf("--}}", i + 5) : source.indexOf("}}", i + 2);
    if (close < 0) break;
    const tag = source.slice(i + 2, close).replace(/^~?\s*/, "");
    i = close + 2;
    if (tag.startsWith("!")) continue;
    if (tag.startsWith("#") || tag.startsWith("^")) blocks++;
    else if (tag.startsWith("/")) blocks--;
    let parens = 0;
    for (const ch of tag) {
      if (ch === "(") deepest = Math.max(deepest, ++parens);
      else if (ch === ")") parens--;
    }
    deepest = Math.max(deepest, blocks);
  }
  return deepest;
}

/** Handlebars' parse error as 第 N 行: … */
function parseProblem(source: string, e: Error & { lineNumber?: number }): string {
  const line = e.lineNumber ?? Number(/line (\d+)/.exec(e.message)?.[1] ?? 0);
  const detail = e.message.split("\n").filter(Boolean).pop() ?? e.message;
  return `${source}${line ? `（第 ${line} 行）` : ""}: 模板语法错误：${detail}`;
}

/**
 * A template and the partials it uses, followed to the end. `lookup` gives a partial's source and
 * the file it came from, or null when there is none.
 */
export function resolveTemplate(source: string, text: string, lookup: (name: string) => { file: string; text: string } | null) {
  const problems: string[] = [];
  const partials: Record<string, string> = {};
  const visit = (where: string, src: string) => {
    let refs: PartialRef[];
    try {
      refs = partialRefs(src);
    } catch (e) {
      problems.push(parseProblem(where, e as Error));
      return;
    }
    for (const r of refs) {
      const line = r.line ? `（第 ${r.line} 行）` : "";
      if (r.name === null) { problems.push(`${where}${line}: 不支持动态的片段名 {{> (…)}}：发布时无法确定要固定哪些片段`); continue; }
      if (r.name in partials) continue;
      const found = lookup(r.name);
      if (!found) { problems.push(`${where}${line}: 引用的片段「${r.name}」不存在（templates/${PARTIALS}/${r.name}.hbs）`); continue; }
      partials[r.name] = found.text;
      visit(found.file, found.text);
    }
  };
  visit(source, text);
  return { problems, partials };
}

function readTemplateFile(dir: string, rel: string, source: string): { raw: unknown } | { problems: string[] } {
  const text = fs.readFileSync(path.join(dir, rel), "utf8");
  const partialsDir = path.join(dir, PARTIALS);
  const files = fs.existsSync(partialsDir) ? fs.readdirSync(partialsDir) : [];
  const lookup = (name: string) => {
    const f = files.find((x) => partialName(x) === name);
    return f ? { file: `templates/${PARTIALS}/${f}`, text: fs.readFileSync(path.join(partialsDir, f), "utf8") } : null;
  };
  const { problems, partials } = resolveTemplate(source, text, lookup);
  if (problems.length) return { problems };
  return { raw: { id: rel.slice(0, -4).split(path.sep).join("/"), source: text, partials } };
}

export const templateKind: KindSpec<TemplateDefinition, TemplateFile> = {
  kind: "template",
  label: "模板",
  dir: () => getEnv().templatesDir,
  folder: "templates",
  metaSchema: "_meta/template.schema.json",
  format: { current: 1, upgrades: {} },
  versioning: "content",
  listFiles: (dir) => (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".hbs") && ![PARTIALS, "_meta"].includes(f.split(path.sep)[0]))
    .sort(),
  readFile: readTemplateFile,
  idOf: (raw) => (typeof raw.id === "string" ? raw.id : null),
  toDef: (c) => ({ id: c.id, source: c.source, partials: c.partials, version: c.version ?? 0 }),
  // Whatever the door: the source parses and brings every partial it calls.
  check: (def, { source }) => {
    const where = source || def.id;
    const safety = [templateSafetyProblems(where, def.source), ...Object.entries(def.partials).map(([name, text]) => templateSafetyProblems(`${where} 的片段 ${name}`, text))].flat();
    if (safety.length) return safety;
    const { problems } = resolveTemplate(where, def.source, (name) => (name in def.partials ? { file: `${where} 的片段 ${name}`, text: def.partials[name] } : null));
    return problems;
  },
  hash: (def) => contentHash({ source: def.source, partials: def.partials }),
  store: {
    model: (db) => db.models.TemplateVersion,
    where: (id) => ({ templateId: id }),
    toRow: (def) => ({ templateId: def.id, source: def.source, partials: def.partials }),
    fromRow: (row: Raw) => ({ id: row.templateId, source: row.source, partials: row.partials ?? {} }),
  },
};
