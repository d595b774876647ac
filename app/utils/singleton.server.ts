// Process-wide singletons that survive Remix dev rebuilds (the rebuilt bundle re-runs module
// code, globalThis stays). Also dedupes the copy of a module bundled into build/ and the one
// server.ts imports directly.
export function singleton<T>(name: string, create: () => T): T {
  const g = globalThis as unknown as { __zcpsSingletons?: Map<string, unknown> };
  g.__zcpsSingletons ??= new Map();
  if (!g.__zcpsSingletons.has(name)) g.__zcpsSingletons.set(name, create());
  return g.__zcpsSingletons.get(name) as T;
}
