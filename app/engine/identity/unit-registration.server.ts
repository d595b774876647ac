// 单位注册 (docs/decisions/016-unit-registration.md): a unit signed in at the 法人 login names
// its 经办人 and uploads its signed and stamped 用人单位委托证明 (PDF) → 待审核; the unit's 主管部门
// (a role deciding "unit-registrations" with the unit in scope) or an admin (scope "all") approves
// it → the 经办人 gets the unit-agent role's account (roles.ts unitAgent) scoped to the unit; or
// refuses it with a reason → the unit may submit again. One 待审核 registration per unit.
// Every decision is version-checked and audited; the unit sees its registrations and reasons.
import crypto from "node:crypto";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { Op, UniqueConstraintError, type Transaction, type WhereOptions } from "sequelize";
import type { UnitRegistrationAttrs, UnitRegistrationStatus } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { dbVersion } from "~/utils/ints.server";
import { getObjectStore } from "~/utils/object-store.server";
import { isValidIdCard, isValidMobile } from "../cn-codes";
import { UserError } from "../errors";
import type { FileSpec } from "../file-kinds";
import { contentDisposition, isFileKey, newFileKey, putCheckedObject, sanitizeFileName } from "../file-storage.server";
import { may, seesAllUnits, unitAgentRole, type Person } from "../people/roles";
import { loadReviewerScope } from "../people/scope.server";
import { normalizeUsername } from "../people/users.server";
import { NO_PASSWORD } from "./accounts.server";
import type { UnitSignIn } from "./unit-sign-in.server";

/** The 用人单位委托证明: a PDF (by its bytes) of at most 10 MB. */
export const MANDATE_SPEC: FileSpec = { accept: ["application/pdf"], maxSize: 10 * 1024 * 1024 };
/** A unit keeps at most this many registrations (refused ones included): a bound on stored PDFs. */
export const MAX_REGISTRATIONS_PER_UNIT = 20;
const ENTITY = "unit-registration";

export const REGISTRATION_STATUS_LABELS: Record<UnitRegistrationStatus, string> = { pending: "待审核", approved: "已通过", refused: "未通过" };

/** Where a registration's PDF lives in the object store (not under uploads/: no stored_files row). */
export function mandateObjectKey(key: string) {
  if (!isFileKey(key)) throw new Error(`not a file key: ${key}`);
  return `unit-registrations/${key.slice(2, 4)}/${key}`;
}

/** Units as the 单位注册 pages show them (name, credit code, 主管部门), by id. */
async function unitCards(db: Db, ids: number[]) {
  const units = await db.models.Unit.findAll({ where: { id: { [Op.in]: ids.length ? ids : [-1] } }, attributes: ["id", "name", "creditCode", "departmentId"] });
  const deptIds = [...new Set(units.map((u) => u.departmentId).filter((d): d is number => d !== null))];
  const depts = new Map((await db.models.Department.findAll({ where: { id: { [Op.in]: deptIds.length ? deptIds : [-1] } }, attributes: ["id", "name"] })).map((d) => [d.id, d.name]));
  return new Map(units.map((u) => [u.id, { id: u.id, name: u.name, creditCode: u.creditCode, department: (u.departmentId !== null && depts.get(u.departmentId)) || null }]));
}

/** The unit as the 单位注册 page shows it. */
export async function unitCard(db: Db, unitId: number) {
  return (await unitCards(db, [unitId])).get(unitId) ?? null;
}

/** What a registration shows (to the unit and to its reviewers). */
export function registrationView(r: UnitRegistrationAttrs) {
  return {
    id: r.id, status: r.status, statusLabel: REGISTRATION_STATUS_LABELS[r.status] ?? r.status,
    agentName: r.agentName, agentIdNumber: r.agentIdNumber, agentMobile: r.agentMobile,
    submittedByName: r.submittedByName, fileName: r.fileName, fileSize: r.fileSize,
    refuseReason: r.refuseReason, createdAt: r.createdAt.toISOString(), reviewedAt: r.reviewedAt ? r.reviewedAt.toISOString() : null,
    version: r.version,
  };
}

/** The unit's registrations, newest first (its history). */
export async function registrationsOfUnit(db: Db, unitId: number) {
  const rows = await db.models.UnitRegistration.findAll({ where: { unitId }, order: [["createdAt", "DESC"], ["id", "DESC"]], limit: MAX_REGISTRATIONS_PER_UNIT + 5 });
  return rows.map((r) => registrationView(r.get({ plain: true }) as UnitRegistrationAttrs));
}

export interface AgentFields { agentName: string; agentIdNumber: string; agentMobile: string }

/** The 经办人 fields of a submission, checked (Chinese messages per field). */
export function agentFieldsOf(raw: Record<string, unknown>): AgentFields {
  const s = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string).trim() : "");
  const f = { agentName: s("agentName"), agentIdNumber: s("agentIdNumber").toUpperCase(), agentMobile: s("agentMobile") };
  const errors: Record<string, string[]> = {};
  if (!f.agentName) errors.agentName = ["请填写经办人姓名"];
  else if (f.agentName.length > 64) errors.agentName = ["经办人姓名不能超过 64 个字符"];
  if (!isValidIdCard(f.agentIdNumber)) errors.agentIdNumber = ["请填写经办人的 18 位有效身份证号"];
  if (!isValidMobile(f.agentMobile)) errors.agentMobile = ["请填写经办人的 11 位手机号码"];
  const first = Object.values(errors)[0];
  if (first) throw new UserError(first[0], 400, errors);
  return f;
}

/**
 * The unit submits a registration: checks the fields (sent before the file), streams the PDF
 * (type by its bytes, size-limited) to the object store and records the row as 待审核. Refused —
 * with nothing kept — when the unit has a 待审核 one already, or too many in all.
 */
export async function submitRegistration(db: Db, signIn: UnitSignIn, rawFields: Record<string, unknown>, file: { filename: string | undefined; data: AsyncIterable<Uint8Array> }) {
  const fields = agentFieldsOf(rawFields);
  // A file input left empty still sends a part: no name, no bytes.
  if (!file.filename) throw new UserError("请选择要上传的用人单位委托证明（PDF）", 400, { file: ["请选择要上传的用人单位委托证明（PDF）"] });
  const unit = await db.models.Unit.findByPk(signIn.unitId, { attributes: ["id"] });
  if (!unit) throw new UserError("本单位已不在工作单位字典中，请联系系统管理员", 404);
  const { UnitRegistration } = db.models;
  if (await UnitRegistration.count({ where: { unitId: unit.id, status: "pending" } })) throw pendingRefusal();
  if ((await UnitRegistration.count({ where: { unitId: unit.id } })) >= MAX_REGISTRATIONS_PER_UNIT) {
    throw new UserError(`本单位的注册申请已达 ${MAX_REGISTRATIONS_PER_UNIT} 次上限，请联系系统管理员`, 429);
  }
  const key = newFileKey();
  const objectKey = mandateObjectKey(key);
  const stored = await putCheckedObject(objectKey, file.data, MANDATE_SPEC);
  try {
    return await db.sequelize.transaction(async (t) => {
      const row = await UnitRegistration.create({
        unitId: unit.id, status: "pending", ...fields,
        submittedByName: signIn.operator.name, submittedByIdNumber: signIn.operator.idNumber,
        fileKey: key, fileName: sanitizeFileName(file.filename), fileSize: stored.size, fileSha256: stored.sha256,
      }, { transaction: t });
      await audit(db, t, null, row.id, "create", null, "pending", `提交人：${signIn.operator.name}；经办人：${fields.agentName}`);
      return row.id;
    });
  } catch (e) {
    await (await getObjectStore()).remove(objectKey).catch(() => {});
    // Two submissions at once: the partial unique index lets one in.
    if (e instanceof UniqueConstraintError) throw pendingRefusal();
    throw e;
  }
}

function pendingRefusal() {
  return new UserError("本单位已有待审核的注册申请，请等待审核结果", 409);
}

// ---- review -------------------------------------------------------------------------------------

/** Which units' registrations a viewer decides: every unit (null), the scope's units, or none ([]). */
async function unitsOf(db: Db, viewer: Person): Promise<number[] | null> {
  if (!may(viewer.role, "unit-registrations")) return [];
  if (seesAllUnits(viewer.role)) return null;
  return (await loadReviewerScope(db, viewer)).unitIds;
}

const STATUSES: readonly UnitRegistrationStatus[] = ["pending", "approved", "refused"];
export const isRegistrationStatus = (v: unknown): v is UnitRegistrationStatus => typeof v === "string" && (STATUSES as readonly string[]).includes(v);

/** 单位注册审核: registrations of the viewer's units, by status, searched by unit name, credit code or 经办人. */
export async function registrationQueue(db: Db, viewer: Person, f: { status: UnitRegistrationStatus | null; q: string; offset: number; pageSize: number }) {
  const units = await unitsOf(db, viewer);
  const where: WhereOptions & Record<string | symbol, unknown> = {};
  if (units) where.unitId = { [Op.in]: units.length ? units : [-1] };
  if (f.status) where.status = f.status;
  const q = f.q.replace(/[%_\\]/g, "").trim();
  if (q) where[Op.or] = [{ agentName: { [Op.like]: `%${q}%` } }, { "$unit.name$": { [Op.like]: `%${q}%` } }, { "$unit.creditCode$": q.toUpperCase() }];
  const { rows, count } = await db.models.UnitRegistration.findAndCountAll({
    where,
    // The unit is joined for the search only; its card comes from unitCards.
    include: [{ association: "unit", attributes: [] }],
    order: [["createdAt", "DESC"], ["id", "DESC"]], offset: f.offset, limit: f.pageSize, subQuery: false,
  });
  const cards = await unitCards(db, [...new Set(rows.map((r) => r.unitId))]);
  return {
    total: count,
    scopeEmpty: units !== null && units.length === 0,
    rows: rows.map((r) => {
      const unit = cards.get(r.unitId);
      return { ...registrationView(r.get({ plain: true }) as UnitRegistrationAttrs), unitName: unit?.name ?? "", creditCode: unit?.creditCode ?? "", department: unit?.department ?? null };
    }),
  };
}

/** A registration the viewer may decide, or null (unknown id, outside the scope: the same 404). */
export async function registrationForReviewer(db: Db, viewer: Person, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const units = await unitsOf(db, viewer);
  if (units && !units.length) return null;
  const row = await db.models.UnitRegistration.findOne({ where: { id, ...(units ? { unitId: { [Op.in]: units } } : {}) } });
  return row ? (row.get({ plain: true }) as UnitRegistrationAttrs) : null;
}

/** A registration's history (its audit rows), oldest first. */
export async function registrationHistory(db: Db, id: number) {
  const rows = await db.models.AuditLog.findAll({ where: { entityType: ENTITY, entityId: String(id) }, order: [["createdAt", "ASC"], ["id", "ASC"]], raw: true });
  return rows.map((r) => ({ action: r.action, comment: r.comment, actorRole: r.actorRole, createdAt: new Date(r.createdAt).toISOString() }));
}

/**
 * 【通过】 or 【不通过】 (reason required), version-checked (a stale version: 409). Approval gives
 * the 经办人 the unit-agent role's account — an earlier approved registration's account of the
 * same 身份证号 is reused, else one is created without a password (it signs in only through the
 * 法人 login) — scoped to the unit, and records it on the registration.
 */
export async function decideRegistration(db: Db, viewer: Person, id: number, decision: "approve" | "refuse", reason: unknown, version: unknown) {
  const expected = dbVersion(version);
  const reg = await registrationForReviewer(db, viewer, id);
  if (!reg) throw new UserError("单位注册不存在或不在您的审核范围内", 404);
  const text = typeof reason === "string" ? reason.trim() : "";
  if (decision === "refuse" && !text) throw new UserError("请填写不通过的原因", 400, { reason: ["请填写不通过的原因"] });
  if (text.length > 500) throw new UserError("原因不能超过 500 个字符", 400, { reason: ["不能超过 500 个字符"] });
  if (reg.status !== "pending") throw new UserError(`该单位注册已${REGISTRATION_STATUS_LABELS[reg.status]}，无需再审核`, 409);
  const role = unitAgentRole();
  if (decision === "approve" && !role) throw new UserError("系统未配置单位经办人角色，无法通过", 409);
  const now = new Date();
  await db.sequelize.transaction(async (t) => {
    const to: UnitRegistrationStatus = decision === "approve" ? "approved" : "refused";
    const [n] = await db.models.UnitRegistration.update(
      { status: to, refuseReason: decision === "refuse" ? text : null, reviewerId: viewer.id, reviewedAt: now, version: expected + 1 },
      { where: { id, status: "pending", version: expected }, transaction: t },
    );
    if (n !== 1) throw new UserError("该单位注册已被他人审核或已更新，请刷新后重试", 409);
    if (decision === "refuse") {
      await audit(db, t, viewer, id, "refuse", "pending", to, text);
      return;
    }
    const userId = await agentAccount(db, t, reg, role!, viewer);
    await db.models.UnitRegistration.update({ userId }, { where: { id }, transaction: t });
    await db.models.UserScope.findOrCreate({ where: { userId, kind: "unit", refId: reg.unitId }, defaults: { userId, kind: "unit", refId: reg.unitId }, transaction: t });
    await audit(db, t, viewer, id, "approve", "pending", to, `经办人：${reg.agentName}${text ? `；${text}` : ""}`);
  });
}

async function agentAccount(db: Db, t: Transaction, reg: UnitRegistrationAttrs, role: string, viewer: Person): Promise<number> {
  const { User, UnitRegistration } = db.models;
  const earlier = await UnitRegistration.findAll({
    where: { agentIdNumber: reg.agentIdNumber, status: "approved", userId: { [Op.ne]: null }, id: { [Op.ne]: reg.id } },
    attributes: ["userId"], order: [["reviewedAt", "DESC"]], raw: true, transaction: t,
  });
  for (const e of earlier) {
    const user = await User.findByPk(e.userId!, { transaction: t });
    if (user && user.role === role) {
      await user.update({ displayName: reg.agentName }, { transaction: t });
      return user.id;
    }
  }
  const username = `dw${crypto.randomBytes(6).toString("hex")}`;
  const user = await User.create({
    username, usernameNormalized: normalizeUsername(username), passwordHash: NO_PASSWORD, role, displayName: reg.agentName,
  }, { transaction: t });
  await db.models.AuditLog.create({
    actorId: viewer.id, actorRole: viewer.role, entityType: "user", entityId: String(user.id), action: "unit-agent.created",
    fromState: null, toState: null, comment: `单位注册 #${reg.id} 审核通过，已为经办人${reg.agentName}创建账户`,
  }, { transaction: t });
  return user.id;
}

async function audit(db: Db, t: Transaction, actor: Person | null, id: number, action: string, from: string | null, to: string | null, comment: string | null) {
  await db.models.AuditLog.create({
    actorId: actor?.id ?? null, actorRole: actor?.role ?? null, entityType: ENTITY, entityId: String(id), action, fromState: from, toState: to, comment,
  }, { transaction: t });
}

// ---- the PDF ------------------------------------------------------------------------------------

/** The registration's PDF as a stream with its name and size, or null when its bytes are gone. */
export async function openMandate(reg: Pick<UnitRegistrationAttrs, "fileKey" | "fileName">) {
  const store = await getObjectStore();
  const objectKey = mandateObjectKey(reg.fileKey);
  const stat = await store.stat(objectKey);
  const body = stat ? await store.open(objectKey) : null;
  return body && stat ? { body, size: stat.size, name: reg.fileName, mimeType: "application/pdf" } : null;
}

/** The PDF as a download answer: never run by the browser (nosniff, sandbox CSP), not cached. */
export function mandateResponse(file: NonNullable<Awaited<ReturnType<typeof openMandate>>>) {
  return new Response(createReadableStreamFromReadable(file.body), {
    headers: {
      "Content-Type": file.mimeType,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(file.name, file.mimeType),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}

/** One of the unit's own registrations (the unit session reads only its own). */
export async function registrationOfUnit(db: Db, unitId: number, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const row = await db.models.UnitRegistration.findOne({ where: { id, unitId } });
  return row ? (row.get({ plain: true }) as UnitRegistrationAttrs) : null;
}
