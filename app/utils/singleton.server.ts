// Process-wide singletons that survive Remix dev rebuilds (the rebuilt bundle re-runs module
// code, globalThis stays). Also dedupes the copy of a module bundled into build/ and the one
// server.ts imports directly.
declare global {
  // eslint-disable-next-line no-var
  var __zcpsSingletons: Map<string, unknown> | undefined;
}

export function singleton<T>(name: string, create: () => T): T {
  const all = (globalThis.__zcpsSingletons ??= new Map());
  if (!all.has(name)) all.set(name, create());
  return all.get(name) as T;
}
