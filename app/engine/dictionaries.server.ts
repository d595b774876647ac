// Dictionaries a schema field may point at with "x-dictionary": the engine checks on save that
// the value exists. New dictionaries are added here once, never per form.
import { Op } from "sequelize";
import type { Db } from "~/utils/db.server";

type Resolver = (db: Db, ids: unknown[]) => Promise<Set<unknown>>;

const byIntegerId = (model: keyof Db["models"]): Resolver => async (db, ids) => {
  const wanted = ids.filter((v): v is number => Number.isInteger(v));
  if (wanted.length === 0) return new Set();
  const rows = await (db.models[model] as any).findAll({ where: { id: { [Op.in]: wanted } }, attributes: ["id"], raw: true });
  return new Set(rows.map((r: { id: number }) => r.id));
};

export const DICTIONARIES: Record<string, { label: string; resolve: Resolver }> = {
  units: { label: "工作单位", resolve: byIntegerId("Unit") },
  departments: { label: "主管部门", resolve: byIntegerId("Department") },
  committees: { label: "评审委员会", resolve: byIntegerId("Committee") },
  affiliations: { label: "隶属关系", resolve: byIntegerId("Affiliation") },
};

/** (path, dictionary) pairs declared in a schema; arrays are marked with "*". */
export function dictionaryFields(schema: any, prefix: string[] = []): { path: string[]; dictionary: string }[] {
  const out: { path: string[]; dictionary: string }[] = [];
  if (!schema || typeof schema !== "object") return out;
  if (typeof schema["x-dictionary"] === "string") out.push({ path: prefix, dictionary: schema["x-dictionary"] });
  for (const [k, sub] of Object.entries<any>(schema.properties ?? {})) out.push(...dictionaryFields(sub, [...prefix, k]));
  if (schema.items && typeof schema.items === "object") out.push(...dictionaryFields(schema.items, [...prefix, "*"]));
  return out;
}

/** Values at a schema path ("*" = every array item), each with its dotted data path. */
export function valuesAt(data: unknown, path: string[], at: string[] = []): { path: string; value: unknown }[] {
  if (path.length === 0) return data === undefined || data === null ? [] : [{ path: at.join("."), value: data }];
  const [head, ...rest] = path;
  if (head === "*") {
    return Array.isArray(data) ? data.flatMap((v, i) => valuesAt(v, rest, [...at, String(i)])) : [];
  }
  if (data && typeof data === "object") return valuesAt((data as any)[head], rest, [...at, head]);
  return [];
}

/** Per-field errors for values that are not in their dictionary. */
export async function checkDictionaryRefs(db: Db, schema: unknown, data: unknown) {
  const errors: Record<string, string[]> = {};
  for (const f of dictionaryFields(schema)) {
    const dict = DICTIONARIES[f.dictionary];
    const found = valuesAt(data, f.path);
    if (!dict || found.length === 0) continue;
    const known = await dict.resolve(db, found.map((v) => v.value));
    for (const v of found) if (!known.has(v.value)) (errors[v.path] ??= []).push(`所选${dict.label}不存在，请重新选择`);
  }
  return errors;
}
