// A value imported from a .server module is an empty stub in the browser bundle (Remix's classic
// compiler drops those modules there). Used by a route's component it renders one thing on the
// server and another after hydration — the form designer once did, and every browser test that
// opened it timed out. This reads each route as TypeScript and refuses such a use: the component,
// meta, ErrorBoundary and whatever top-level code they reach may not name a .server import.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROUTES = path.resolve(__dirname, "../../app/routes");
const BROWSER_EXPORTS = new Set(["meta", "links", "handle", "ErrorBoundary", "HydrateFallback", "shouldRevalidate", "clientLoader", "clientAction"]);

/** Names a node declares in its own scope (parameters, its statements' declarations, binding patterns). */
function declaredIn(scope: ts.Node): Set<string> {
  const out = new Set<string>();
  const bind = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) out.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  if (ts.isFunctionLike(scope)) for (const p of scope.parameters) bind(p.name);
  if ((ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) && scope.name) out.add(scope.name.text);
  if (ts.isCatchClause(scope) && scope.variableDeclaration) bind(scope.variableDeclaration.name);
  const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : null;
  for (const st of statements ?? []) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) out.add(st.name.text);
  }
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
    for (const d of scope.initializer.declarations) bind(d.name);
  }
  return out;
}

/** An identifier that reads a variable (not a property name, a key or a declaration). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) || ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isImportSpecifier(p) || ts.isImportClause(p)) return false;
  if (ts.isJsxAttribute(p) || ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isExpressionWithTypeArguments(p)) return false;
  return true;
}

/** `name` as used at `id` is the module-level binding (no enclosing scope declares it again). */
function reachesModule(id: ts.Identifier): boolean {
  for (let n: ts.Node = id.parent; !ts.isSourceFile(n); n = n.parent) {
    if ((ts.isFunctionLike(n) || ts.isBlock(n) || ts.isCatchClause(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && declaredIn(n).has(id.text)) return false;
  }
  return true;
}

function serverImportsInBrowserCode(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const server = new Set<string>();
  const topLevel = new Map<string, ts.Node>();
  const roots: ts.Node[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && /\.server$/.test(st.moduleSpecifier.text) && !st.importClause?.isTypeOnly) {
      const c = st.importClause;
      if (c?.name) server.add(c.name.text);
      if (c?.namedBindings && ts.isNamedImports(c.namedBindings)) for (const e of c.namedBindings.elements) if (!e.isTypeOnly) server.add(e.name.text);
    }
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isFunctionDeclaration(st) && st.name) {
      topLevel.set(st.name.text, st);
      if (isDefault || (exported && BROWSER_EXPORTS.has(st.name.text))) roots.push(st);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        topLevel.set(d.name.text, d);
        if (exported && BROWSER_EXPORTS.has(d.name.text)) roots.push(d);
      }
    } else if (ts.isExportAssignment(st)) roots.push(st);
  }
  const hits = new Set<string>();
  const seen = new Set<ts.Node>();
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n) && isReference(n) && reachesModule(n)) {
      if (server.has(n.text)) hits.add(`${n.text}（第 ${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} 行）`);
      const decl = topLevel.get(n.text);
      if (decl && !seen.has(decl)) { seen.add(decl); visit(decl); }
    }
    ts.forEachChild(n, visit);
  };
  for (const r of roots) { seen.add(r); visit(r); }
  return [...hits];
}

describe("route components use no .server import", () => {
  const files = fs.readdirSync(ROUTES).filter((f) => /\.tsx?$/.test(f));
  it.each(files)("%s", (f) => {
    expect(serverImportsInBrowserCode(path.join(ROUTES, f))).toEqual([]);
  });

  it("finds the mistake it guards against", () => {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "route-")), "x.tsx");
    fs.writeFileSync(tmp, [
      'import { KIND, loaderOnly, shadowed } from "~/engine/a.server";',
      "export async function loader() { return loaderOnly(); }",
      "const label = (k: string) => (k === KIND ? 'a' : 'b');",
      "export default function Page() { const shadowed = 1; return <p title={label('x')}>{shadowed}</p>; }",
    ].join("\n"));
    expect(serverImportsInBrowserCode(tmp)).toEqual(["KIND（第 3 行）"]);
  });
});
