// Reviewer scope: which applicants a staff user may see. Every read of an applicant's data by
// staff goes through here; outside the scope is "not found".
import { Op } from "sequelize";
import { isRole, unitsOfDepartments, type Person } from "./roles";
import type { Db } from "~/utils/db.server";

export interface ReviewerScope {
  userId: number;
  role: string;
  /** Units whose applicants this reviewer sees (derived from unit or department scope). */
  unitIds: number[];
  departmentIds: number[];
  committeeIds: number[];
  /** 受理部门 (acceptance departments of 初定/认定 applications). */
  acceptanceDepartmentIds: number[];
}

export async function loadReviewerScope(db: Db, user: Person): Promise<ReviewerScope> {
  const rows = await db.models.UserScope.findAll({ where: { userId: user.id }, raw: true });
  const ids = (k: string) => rows.filter((r) => r.kind === k).map((r) => r.refId);
  const departmentIds = ids("department");
  let unitIds = ids("unit");
  if (departmentIds.length && isRole(user.role) && unitsOfDepartments(user.role)) {
    const units = await db.models.Unit.findAll({ where: { departmentId: { [Op.in]: departmentIds } }, attributes: ["id"], raw: true });
    unitIds = [...new Set([...unitIds, ...units.map((u) => u.id)])];
  }
  return { userId: user.id, role: user.role, unitIds, departmentIds, committeeIds: ids("committee"), acceptanceDepartmentIds: ids("acceptance") };
}

/** Sequelize `where` on Profile (as the applicant's profile) limiting rows to the scope's units. */
export function applicantProfileWhere(scope: ReviewerScope) {
  return { unitId: { [Op.in]: scope.unitIds.length ? scope.unitIds : [-1] } };
}

export async function applicantInScope(db: Db, scope: ReviewerScope, applicantId: number): Promise<boolean> {
  if (!scope.unitIds.length) return false;
  const p = await db.models.Profile.findOne({ where: { userId: applicantId, ...applicantProfileWhere(scope) }, attributes: ["id"] });
  return !!p;
}

/** Whether the applicant has a submitted application within this scope (its unit, committee or
 * 受理部门): the offices that accept applications read the materials of those applicants. */
export async function applicantHasApplicationInScope(db: Db, scope: ReviewerScope, applicantId: number): Promise<boolean> {
  const or = [
    scope.unitIds.length ? { unitId: { [Op.in]: scope.unitIds } } : null,
    scope.committeeIds.length ? { committeeId: { [Op.in]: scope.committeeIds } } : null,
    scope.acceptanceDepartmentIds.length ? { acceptanceDepartmentId: { [Op.in]: scope.acceptanceDepartmentIds } } : null,
  ].filter((x): x is NonNullable<typeof x> => !!x);
  if (!or.length) return false;
  const a = await db.models.Application.findOne({ where: { userId: applicantId, status: { [Op.ne]: "draft" }, [Op.or]: or }, attributes: ["id"] });
  return !!a;
}
