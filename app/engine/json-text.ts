// Where a JSON text is broken, as 第 N 行第 M 列 — shared by the server and the form designer's
// JSON view in the browser (no Node imports).

export function locateJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const pos = m ? Number(m[1]) : jsonErrorOffset(text);
  if (pos === null) return e.message;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `第 ${line} 行第 ${col} 列附近有语法错误`;
}

/** Offset of the first JSON syntax error (a small scanner: JSON.parse does not always say where). */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const fail = (): never => { throw i; };
  const value = (depth: number): void => {
    if (depth > 10_000) fail();
    ws();
    const c = text[i];
    if (c === "{") {
      i++; ws();
      if (text[i] === "}") { i++; return; }
      for (;;) {
        ws(); if (text[i] !== '"') fail();
        str(); ws(); if (text[i] !== ":") fail(); i++;
        value(depth + 1); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return; }
        fail();
      }
    } else if (c === "[") {
      i++; ws();
      if (text[i] === "]") { i++; return; }
      for (;;) {
        value(depth + 1); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return; }
        fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value(0); ws();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === "number" ? Math.min(at, text.length) : null;
  }
}

/**
 * Where the value at `path` (object keys / array indexes) starts in a valid JSON text, as 第 N 行第 M 列;
 * for a path that does not exist (a missing required property), where its deepest existing parent
 * starts. Null when the text cannot be scanned.
 */
export function locateJsonPath(text: string, path: string[]): string | null {
  let i = 0;
  let at = -1;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  // `depth` segments of `path` matched so far, or -1 once off the path.
  const value = (depth: number): void => {
    ws();
    if (depth >= 0) at = i;
    const next = (key: string) => (depth >= 0 && depth < path.length && key === path[depth] ? depth + 1 : -1);
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (let n = 0; ; n++) {
        ws();
        let key = String(n);
        if (c === "{") { key = str(); ws(); i++; }
        value(next(key));
        ws();
        if (text[i++] === ",") continue;
        return;
      }
    }
    if (c === '"') { str(); return; }
    const m = /^[^,\]}\s]+/.exec(text.slice(i, i + 400));
    if (!m) throw new Error("unexpected");
    i += m[0].length;
  };
  try {
    value(0);
  } catch {
    return null;
  }
  if (at < 0) return null;
  const before = text.slice(0, at);
  return `第 ${before.split("\n").length} 行第 ${at - before.lastIndexOf("\n")} 列`;
}
