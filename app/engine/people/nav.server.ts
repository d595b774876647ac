// The menu of a signed-in user: the role's menu (roles.ts) with one entry per published plan type
// in its place (职称评审申报, 大中专毕业生职称初定 … come from workflows/plan-types.json).
import { planTypes } from "~/engine/plans.server";
import type { Db } from "~/utils/db.server";
import { menuOf, type NavItem, type Role } from "./roles";

export async function navFor(db: Db, role: Role): Promise<NavItem[]> {
  const types = (await planTypes(db)).map((t) => ({ to: `/plans?type=${encodeURIComponent(t.applicationType)}`, label: t.label }));
  return menuOf(role, types);
}
