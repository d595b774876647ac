// The menu of a signed-in user: the role's fixed entries plus, for applicants, one entry per
// configured plan type (职称评审申报, 大中专毕业生职称初定 … come from workflows/plan-types.json).
import { NAV, RECORDS_NAV, type NavItem } from "~/components/nav";
import { planTypes } from "~/engine/plans.server";
import type { Db } from "~/utils/db.server";
import type { Role } from "../../../db/models";

export async function navFor(db: Db, role: Role): Promise<NavItem[]> {
  if (role !== "applicant") return NAV[role];
  return [...NAV.applicant, ...(await planTypes(db)).map((t) => ({ to: `/plans?type=${encodeURIComponent(t.applicationType)}`, label: t.label })), RECORDS_NAV];
}
