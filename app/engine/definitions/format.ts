// Format versions of definitions. A definition file or stored version says which format it is
// written in (`formatVersion`, absent = 1: everything written before formats were numbered). When
// a kind's format changes, its `current` goes up and an upgrade function from the previous format
// is appended; every definition is brought to the current format when it is loaded from a file,
// published, or read back from the database, so the engine only ever sees the current format and
// stored versions are never rewritten (their hash stays that of what was published).

export type Upgrade = (def: Record<string, unknown>) => Record<string, unknown>;

export interface FormatSpec {
  /** The format the engine reads and writes. */
  current: number;
  /** upgrades[n] turns format n into format n + 1 (1 ≤ n < current). */
  upgrades: Record<number, Upgrade>;
}

/** The format a raw definition declares (absent: 1), or a problem. */
export function declaredFormat(raw: unknown, spec: FormatSpec): { format: number } | { problem: string } {
  const v = raw && typeof raw === "object" ? (raw as Record<string, unknown>).formatVersion : undefined;
  if (v === undefined) return { format: 1 };
  if (!Number.isInteger(v) || (v as number) < 1) return { problem: `formatVersion 应为正整数` };
  if ((v as number) > spec.current) return { problem: `formatVersion ${v} 高于本系统支持的格式 ${spec.current}，请先升级系统` };
  return { format: v as number };
}

/** The definition brought from `from` to the current format (the input itself is never changed). */
export function upgradeFormat(spec: FormatSpec, raw: Record<string, unknown>, from: number): Record<string, unknown> {
  if (from >= spec.current) return raw;
  let def = structuredClone(raw);
  for (let n = from; n < spec.current; n++) {
    const up = spec.upgrades[n];
    if (!up) throw new Error(`缺少从格式 ${n} 到 ${n + 1} 的升级函数`);
    def = up(def);
  }
  return def;
}
