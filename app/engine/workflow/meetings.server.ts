// 评审会议 (issue 15, committee vote; decision 019): the office of a committee records a meeting
// with the applications waiting at a vote stage of that committee, enters the counts 赞成/反对/弃权
// per application (a form for the whole list, or the 表决票 sheet), and the stage's declared pass
// rule decides: 通过 moves the application on, else 不通过 — through applyTransition (the same
// transition, optimistic lock and audit row as a reviewer's decision), all in one transaction.
// The passed list of a meeting may be published (评审结果公示) for a period on a public page that
// shows name, unit, series and level only. Nothing here names a type, stage or committee.
import ExcelJS from "exceljs";
import { Op, type Transaction } from "sequelize";
import type { ApplicationAttrs, CommitteeMeetingAttrs, CommitteeVoteAttrs } from "../../../db/models";
import { plain, type Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { may, type Person } from "~/engine/people/roles";
import { loadReviewerScope, type ReviewerScope } from "~/engine/people/scope.server";
import { bodyId, bodyText } from "~/utils/body-values";
import { dbVersion } from "~/utils/ints.server";
import { runWorkerJob, workerScript, WorkerJobError } from "~/utils/worker.server";
import type { ReviewStage, WorkflowDefinition } from "../definitions/types.generated";
import { escapeCell } from "../dictionary-admin.server";
import { applyTransition, describeRows, publishedWorkflows, REVIEW_CONFLICT } from "./review.server";
import { stageOf } from "./review-machine";
import { workflowOfApp } from "./registry.server";
import { countOf, countProblems, passes, passRuleLabel, type VoteCounts } from "./vote-rule";

export const NOT_FOUND = "评审会议不存在或不在您的范围内";
export const MEETING_CONFLICT = "该评审会议已被他人更新，请刷新页面后重试";
export const MAX_SHEET_BYTES = 2_000_000;
const MAX_SHEET_ROWS = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Beijing, YYYY-MM-DD (meeting and publicity dates are Beijing days). */
export const beijingToday = (now = new Date()) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const validDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

// ---- who and where ---------------------------------------------------------------------------
/** The vote stages (scope committee) the viewer's role holds meetings for, per published workflow version. */
async function voteStagesOf(db: Db, role: string) {
  const out: { w: WorkflowDefinition; stage: ReviewStage }[] = [];
  for (const w of await publishedWorkflows(db)) {
    for (const stage of w.reviewChain.stages) if (stage.kind === "vote" && stage.role === role && stage.scope === "committee") out.push({ w, stage });
  }
  return out;
}

async function officeScope(db: Db, viewer: Person) {
  if (!may(viewer.role, "committee-votes")) throw new UserError("您没有评审会议的权限", 403);
  return loadReviewerScope(db, viewer);
}

/** The meeting if it is one of the viewer's committees', else 404 (it does not exist for them). */
async function meetingInScope(db: Db, scope: ReviewerScope, id: unknown, t?: Transaction) {
  const mid = bodyId(id);
  if (mid === null) throw new UserError(NOT_FOUND, 404);
  const m = plain(await db.models.CommitteeMeeting.findByPk(mid, { transaction: t, ...(t ? { lock: t.LOCK.UPDATE } : {}) }));
  if (!m || !scope.committeeIds.includes(m.committeeId)) throw new UserError(NOT_FOUND, 404);
  return m;
}

async function auditMeeting(db: Db, t: Transaction, actor: Person, meetingId: number, action: string, comment: string) {
  await db.models.AuditLog.create({ actorId: actor.id, actorRole: actor.role, entityType: "committee-meeting", entityId: String(meetingId), action, fromState: null, toState: null, comment }, { transaction: t });
}

const meetingName = (m: Pick<CommitteeMeetingAttrs, "title" | "meetingDate">) => m.title || `${m.meetingDate} 评审会议`;

// ---- list and create ---------------------------------------------------------------------------
/** The meetings of the viewer's committees (newest first) and the committees they may hold one for. */
export async function listMeetings(db: Db, viewer: Person) {
  const scope = await officeScope(db, viewer);
  const ids = scope.committeeIds.length ? scope.committeeIds : [-1];
  const [rows, committees] = await Promise.all([
    db.models.CommitteeMeeting.findAll({ where: { committeeId: { [Op.in]: ids } }, order: [["meetingDate", "DESC"], ["id", "DESC"]], limit: 200, raw: true }),
    db.models.Committee.findAll({ where: { id: { [Op.in]: ids } }, attributes: ["id", "name"], order: [["id", "ASC"]], raw: true }),
  ]);
  const counts = rows.length ? await db.models.CommitteeVote.findAll({ where: { meetingId: { [Op.in]: rows.map((r) => r.id) } }, attributes: ["meetingId", "result"], raw: true }) : [];
  return {
    committees: committees.map((c) => ({ value: c.id, label: c.name })),
    meetings: rows.map((m) => {
      const mine = counts.filter((v) => v.meetingId === m.id);
      return {
        id: m.id, name: meetingName(m), meetingDate: m.meetingDate, committee: committees.find((c) => c.id === m.committeeId)?.name ?? "",
        membersPresent: m.membersPresent, total: mine.length, decided: mine.filter((v) => v.result).length, passed: mine.filter((v) => v.result === "pass").length,
        published: m.publishFrom ? { from: m.publishFrom, to: m.publishTo! } : null,
      };
    }),
  };
}

const intIn = (v: unknown, min: number, max: number) => { const n = countOf(v); return Number.isSafeInteger(n) && n >= min && n <= max ? n : null; };

/**
 * 新建评审会议: committee (in scope), date, 委员总数 and 实到人数, optional title. Its list is every
 * application now waiting at a vote stage of the viewer's role for that committee and not on
 * another meeting's list still to be counted.
 */
export async function createMeeting(db: Db, viewer: Person, body: Record<string, unknown>) {
  const scope = await officeScope(db, viewer);
  const committeeId = bodyId(body.committeeId);
  if (committeeId === null || !scope.committeeIds.includes(committeeId)) throw new UserError("请选择您所在的评审委员会", 422);
  const meetingDate = bodyText(body.meetingDate).trim();
  const fieldErrors: Record<string, string> = {};
  if (!validDate(meetingDate)) fieldErrors.meetingDate = "请填写会议日期（年-月-日）";
  const membersTotal = intIn(body.membersTotal, 1, 999);
  if (membersTotal === null) fieldErrors.membersTotal = "委员总数须为 1 至 999 的整数";
  const membersPresent = intIn(body.membersPresent, 1, 999);
  if (membersPresent === null) fieldErrors.membersPresent = "实到人数须为 1 至 999 的整数";
  else if (membersTotal !== null && membersPresent > membersTotal) fieldErrors.membersPresent = `实到人数不能超过委员总数 ${membersTotal}`;
  const title = bodyText(body.title).trim();
  if (title.length > 64) fieldErrors.title = "会议名称不能超过 64 个字";
  if (Object.keys(fieldErrors).length) throw Object.assign(new UserError(Object.values(fieldErrors)[0], 422), { fieldErrors });
  const stages = await voteStagesOf(db, viewer.role);
  if (!stages.length) throw new UserError("当前没有需要评审会议表决的评审环节", 422);
  return db.sequelize.transaction(async (t) => {
    const waiting = await db.models.Application.findAll({
      where: { committeeId, status: "submitted", [Op.or]: stages.map(({ w, stage }) => ({ workflowId: w.id, chainVersion: w.version, stage: stage.id })) },
      attributes: ["id"], order: [["submittedAt", "ASC"], ["id", "ASC"]], transaction: t, raw: true,
    });
    const listed = new Set((await db.models.CommitteeVote.findAll({ where: { applicationId: { [Op.in]: waiting.length ? waiting.map((a) => a.id) : [-1] }, result: null }, attributes: ["applicationId"], transaction: t, raw: true })).map((v) => v.applicationId));
    const ids = waiting.map((a) => a.id).filter((id) => !listed.has(id));
    if (!ids.length) throw new UserError("该评审委员会当前没有等待表决的申报", 422);
    const m = await db.models.CommitteeMeeting.create({ committeeId, title: title || null, meetingDate, membersTotal: membersTotal!, membersPresent: membersPresent!, createdBy: viewer.id }, { transaction: t });
    await db.models.CommitteeVote.bulkCreate(ids.map((applicationId) => ({ meetingId: m.id, applicationId })), { transaction: t });
    await auditMeeting(db, t, viewer, m.id, "meeting-create", `${meetingName(m)}：实到 ${membersPresent} 人（委员总数 ${membersTotal} 人），待表决 ${ids.length} 件`);
    return { id: m.id, count: ids.length };
  });
}

// ---- one meeting ------------------------------------------------------------------------------
/** The meeting page: its list with names, units, state, counts and the rule each application is judged by. */
export async function getMeeting(db: Db, viewer: Person, id: unknown) {
  const scope = await officeScope(db, viewer);
  const m = await meetingInScope(db, scope, id);
  const votes = await db.models.CommitteeVote.findAll({ where: { meetingId: m.id }, order: [["id", "ASC"]], raw: true });
  const apps = (await db.models.Application.findAll({ where: { id: { [Op.in]: votes.length ? votes.map((v) => v.applicationId) : [-1] } } })).map((a) => a.get({ plain: true }));
  const rows = await describeRows(db, apps);
  const committee = plain(await db.models.Committee.findByPk(m.committeeId));
  const items = [];
  for (const v of votes) {
    const app = apps.find((a) => a.id === v.applicationId)!;
    const r = rows.find((x) => x.id === v.applicationId)!;
    const stage = await voteStageOf(db, app);
    items.push({
      applicationId: app.id, version: app.version, number: app.number ?? "", name: r.applicantName, unit: r.unit, series: r.series, level: r.level, stateLabel: r.stateLabel,
      approve: v.approve, oppose: v.oppose, abstain: v.abstain, result: v.result,
      // Countable now: waiting at the vote stage (a rule to judge by) and not yet counted.
      rule: !v.result && stage ? stage.passRule! : null, ruleLabel: stage ? passRuleLabel(stage.passRule!) : "",
    });
  }
  const today = beijingToday();
  return {
    meeting: {
      id: m.id, name: meetingName(m), title: m.title ?? "", meetingDate: m.meetingDate, committee: committee?.name ?? "", membersTotal: m.membersTotal, membersPresent: m.membersPresent, version: m.version,
      published: m.publishFrom ? { from: m.publishFrom, to: m.publishTo!, showing: m.publishFrom <= today && today <= m.publishTo! } : null,
    },
    items,
  };
}

/** The vote stage an application waits at now, or null (decided elsewhere, moved, another stage kind). */
async function voteStageOf(db: Db, app: ApplicationAttrs) {
  if (app.status !== "submitted") return null;
  const w = await workflowOfApp(db, app);
  const stage = w ? stageOf(w, app.stage) : null;
  return stage?.kind === "vote" && stage.passRule ? stage : null;
}

export interface VoteLine { applicationId: number; version: number | null; counts: Record<keyof VoteCounts, unknown>; label: string }

/**
 * Checks every line first (on the meeting's list, not counted yet, at its vote stage, counts
 * non-negative integers with sum ≤ 实到, no application twice), then decides all in one
 * transaction: each through applyTransition (version-checked → 409), audited with the counts and
 * the rule; the meeting's counts rows written with them. Any problem → nothing is written.
 */
async function decideLines(db: Db, viewer: Person, meetingId: unknown, lines: VoteLine[], expectedMeetingVersion: number | null) {
  const scope = await officeScope(db, viewer);
  if (!lines.length) throw new UserError("请至少录入一件申报的表决票数", 422);
  return db.sequelize.transaction(async (t) => {
    const m = await meetingInScope(db, scope, meetingId, t);
    if (expectedMeetingVersion !== null && m.version !== expectedMeetingVersion) throw new UserError(MEETING_CONFLICT, 409);
    const votes = await db.models.CommitteeVote.findAll({ where: { meetingId: m.id }, transaction: t, raw: true });
    const size = { present: m.membersPresent, members: m.membersTotal };
    const problems: string[] = [];
    const seen = new Set<number>();
    const plan: { line: VoteLine; vote: CommitteeVoteAttrs; counts: VoteCounts; pass: boolean; comment: string }[] = [];
    for (const line of lines) {
      const say = (p: string) => problems.push(`${line.label}：${p}`);
      const vote = votes.find((v) => v.applicationId === line.applicationId);
      if (!vote) { say("不在本次评审会议的表决名单中"); continue; }
      if (seen.has(line.applicationId)) { say("重复录入"); continue; }
      seen.add(line.applicationId);
      if (vote.result) { say("已录入表决结果，不能重复录入"); continue; }
      const bad = countProblems(line.counts, size);
      if (bad.length) { bad.forEach(say); continue; }
      const app = plain(await db.models.Application.findByPk(line.applicationId, { transaction: t }))!;
      const stage = await voteStageOf(db, app);
      if (!stage) { say("当前不在表决环节"); continue; }
      const counts = line.counts as VoteCounts;
      const pass = passes(stage.passRule!, counts, size);
      const comment = `${meetingName(m)}表决：赞成 ${counts.approve} 票，反对 ${counts.oppose} 票，弃权 ${counts.abstain} 票（实到 ${m.membersPresent} 人，委员总数 ${m.membersTotal} 人）；通过规则：${passRuleLabel(stage.passRule!)}；结果：${pass ? "通过" : "不通过"}`;
      plan.push({ line, vote, counts, pass, comment });
    }
    if (problems.length) throw new UserError(`表决票数有误，未录入任何结果：${problems.join("；")}`, 422);
    for (const p of plan) {
      await applyTransition(db, t, p.line.applicationId, p.pass ? "vote-pass" : "vote-fail", viewer, {
        comment: p.comment,
        check: (app) => {
          if (p.line.version !== null && app.version !== p.line.version) throw new UserError(`${p.line.label}：${REVIEW_CONFLICT}`, 409);
        },
      });
      const [n] = await db.models.CommitteeVote.update(
        { ...p.counts, result: p.pass ? "pass" : "fail", decidedBy: viewer.id, decidedAt: new Date() },
        { where: { id: p.vote.id, result: null }, transaction: t },
      );
      if (n !== 1) throw new UserError(MEETING_CONFLICT, 409);
    }
    const [n] = await db.models.CommitteeMeeting.update({ version: m.version + 1 }, { where: { id: m.id, version: m.version }, transaction: t });
    if (n !== 1) throw new UserError(MEETING_CONFLICT, 409);
    return { decided: plan.length, passed: plan.filter((p) => p.pass).length };
  });
}

/** 保存表决结果 from the meeting page: one line per application whose three counts were typed (lines left empty wait). */
export async function recordVotes(db: Db, viewer: Person, meetingId: unknown, body: { version?: unknown; items?: unknown }) {
  if (!Array.isArray(body.items) || body.items.length > MAX_SHEET_ROWS) throw new UserError("提交的数据格式不正确");
  const lines: VoteLine[] = [];
  body.items.forEach((x, i) => {
    const o: object = Object(x);
    const get = (k: string) => Reflect.get(o, k);
    const raw = { approve: get("approve"), oppose: get("oppose"), abstain: get("abstain") };
    if (Object.values(raw).every((v) => v === "" || v === null || v === undefined)) return;
    const id = bodyId(get("applicationId"));
    const counts = { approve: countOf(raw.approve), oppose: countOf(raw.oppose), abstain: countOf(raw.abstain) };
    lines.push({ applicationId: id ?? -1, version: dbVersion(get("version")), counts, label: `第 ${i + 1} 条${typeof get("number") === "string" ? `（${(get("number") as string).slice(0, 20)}）` : ""}` });
  });
  // The meeting's version guards the whole list when the page sends it; each line has its own.
  return decideLines(db, viewer, meetingId, lines, body.version === undefined ? null : dbVersion(body.version));
}

// ---- the 表决票 sheet ----------------------------------------------------------------------------
export const SHEET_HEADER = ["申报编号", "姓名", "工作单位", "赞成", "反对", "弃权"] as const;

/** 【下载表决票模板】: the meeting's list still to be counted, count columns empty. */
export async function voteSheet(db: Db, viewer: Person, id: unknown) {
  const { meeting, items } = await getMeeting(db, viewer, id);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("表决票");
  ws.addRow([...SHEET_HEADER]);
  for (const it of items.filter((x) => x.rule)) ws.addRow([it.number, it.name, it.unit, "", "", ""].map((v) => escapeCell(String(v))));
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c, i) => { c.width = [18, 12, 32, 8, 8, 8][i]; });
  return { filename: `表决票-${meeting.name}.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
}

type SheetAnswer = { ok: true; rows: { line: number; cells: string[] }[] } | { ok: false; message: string };

/** Reads the sheet's first worksheet off the event loop (app/workers/vote-sheet.mjs) with time and heap limits. */
async function readSheet(buf: Buffer) {
  if (!(buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b)) throw new UserError("请上传 .xlsx 格式的表决票（可先下载表决票模板）", 422);
  let answer: SheetAnswer;
  try {
    answer = await runWorkerJob<SheetAnswer>(workerScript("vote-sheet.mjs"), { buf, maxRows: MAX_SHEET_ROWS }, { timeoutMs: 15_000, resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 } });
  } catch (e) {
    if (!(e instanceof WorkerJobError)) throw e;
    if (e.kind === "timeout") throw new UserError("文件解析超时，文件可能过大或已损坏，请重新下载表决票模板填写", 422);
    if (e.kind === "memory") throw new UserError("文件解析所需内存过多，文件可能过大或已损坏，请重新下载表决票模板填写", 422);
    if (e.kind === "busy") throw new UserError("同时导入的文件较多，请稍后重试", 503);
    console.error(`vote sheet: parser worker failed: ${e.message}`);
    throw new UserError("文件解析未能完成，请稍后重试", 503);
  }
  if (!answer.ok) throw new UserError(answer.message === "rows" ? `表决票最多 ${MAX_SHEET_ROWS} 行` : "无法读取该 Excel 文件，请确认是 .xlsx 格式", 422);
  return answer.rows;
}

/** 导入表决票: every row checked first (unknown number, not on this meeting's list, not numbers,
 * sum > 实到, duplicates), bad rows reported by line; nothing applied unless every row is good. */
export async function importVoteSheet(db: Db, viewer: Person, meetingId: unknown, buf: Buffer) {
  const scope = await officeScope(db, viewer);
  const m = await meetingInScope(db, scope, meetingId);
  const rows = await readSheet(buf);
  const [header, ...body] = rows;
  const col = new Map((header?.cells ?? []).map((h, i) => [h.trim(), i]));
  const missing = SHEET_HEADER.filter((h) => h !== "姓名" && h !== "工作单位" && !col.has(h));
  if (!header || missing.length) throw new UserError(`表头缺少列「${missing.join("」「") || SHEET_HEADER.join("」「")}」，请使用表决票模板`, 422);
  if (!body.length) throw new UserError("表决票中没有数据行", 422);
  const cell = (r: { cells: string[] }, h: string) => (r.cells[col.get(h)!] ?? "").trim();
  const numbers = [...new Set(body.map((r) => cell(r, "申报编号")).filter(Boolean))];
  const apps = numbers.length ? await db.models.Application.findAll({ where: { number: { [Op.in]: numbers } }, attributes: ["id", "number"], raw: true }) : [];
  const onList = new Set((await db.models.CommitteeVote.findAll({ where: { meetingId: m.id }, attributes: ["applicationId"], raw: true })).map((v) => v.applicationId));
  const problems: string[] = [];
  const lines: VoteLine[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    const number = cell(r, "申报编号");
    const say = (p: string) => problems.push(`第 ${r.line} 行：${p}`);
    if (!number) { say("缺少申报编号"); continue; }
    const app = apps.find((a) => a.number === number);
    // Another committee's application is as unknown here as a number that does not exist.
    if (!app || !onList.has(app.id)) { say(app ? `申报编号 ${number} 不在本次评审会议的表决名单中` : `申报编号 ${number} 不存在`); continue; }
    if (seen.has(number)) { say(`申报编号 ${number} 与第 ${seen.get(number)} 行重复`); continue; }
    seen.set(number, r.line);
    const counts = { approve: countOf(cell(r, "赞成")), oppose: countOf(cell(r, "反对")), abstain: countOf(cell(r, "弃权")) };
    const bad = countProblems(counts, { present: m.membersPresent, members: m.membersTotal });
    if (bad.length) { bad.forEach(say); continue; }
    lines.push({ applicationId: app.id, version: null, counts, label: `第 ${r.line} 行（${number}）` });
  }
  if (problems.length) throw new UserError(`表决票有误，未导入任何结果：${problems.join("；")}`, 422);
  return decideLines(db, viewer, m.id, lines, null);
}

// ---- 评审结果公示 --------------------------------------------------------------------------------
/** 发布评审结果公示: the meeting's passed list is shown on the public page from `from` to `to`
 * (Beijing days, inclusive). Re-publishing changes the period. Audited. */
export async function publishResults(db: Db, viewer: Person, meetingId: unknown, body: Record<string, unknown>) {
  const scope = await officeScope(db, viewer);
  const from = bodyText(body.from).trim();
  const to = bodyText(body.to).trim();
  const fieldErrors: Record<string, string> = {};
  if (!validDate(from)) fieldErrors.from = "请填写公示开始日期（年-月-日）";
  if (!validDate(to)) fieldErrors.to = "请填写公示结束日期（年-月-日）";
  else if (validDate(from) && to < from) fieldErrors.to = "公示结束日期不能早于开始日期";
  else if (to < beijingToday()) fieldErrors.to = "公示结束日期不能早于今天";
  if (Object.keys(fieldErrors).length) throw Object.assign(new UserError(Object.values(fieldErrors)[0], 422), { fieldErrors });
  const expected = dbVersion(body.version);
  return db.sequelize.transaction(async (t) => {
    const m = await meetingInScope(db, scope, meetingId, t);
    if (m.version !== expected) throw new UserError(MEETING_CONFLICT, 409);
    const passed = await db.models.CommitteeVote.count({ where: { meetingId: m.id, result: "pass" }, transaction: t });
    if (!passed) throw new UserError("本次评审会议没有表决通过的申报，无需公示", 422);
    const [n] = await db.models.CommitteeMeeting.update({ publishFrom: from, publishTo: to, publishedAt: new Date(), version: m.version + 1 }, { where: { id: m.id, version: m.version }, transaction: t });
    if (n !== 1) throw new UserError(MEETING_CONFLICT, 409);
    await auditMeeting(db, t, viewer, m.id, "result-publish", `评审结果公示：${from} 至 ${to}，通过 ${passed} 人`);
    return { passed };
  });
}

/** The public list of 评审结果公示 showing today (no login). */
export async function publicResults(db: Db, now = new Date()) {
  const today = beijingToday(now);
  const rows = await db.models.CommitteeMeeting.findAll({ where: { publishFrom: { [Op.lte]: today }, publishTo: { [Op.gte]: today } }, order: [["publishFrom", "DESC"], ["id", "DESC"]], limit: 100, raw: true });
  const committees = await db.models.Committee.findAll({ where: { id: { [Op.in]: rows.length ? rows.map((r) => r.committeeId) : [-1] } }, attributes: ["id", "name"], raw: true });
  return rows.map((m) => ({ id: m.id, name: meetingName(m), committee: committees.find((c) => c.id === m.committeeId)?.name ?? "", from: m.publishFrom!, to: m.publishTo! }));
}

/**
 * One 评审结果公示: during its period the passed applicants (name, 工作单位, 系列, 级别 — never an
 * ID number or a mobile); after it, only that it has ended; never published or not begun → null (404).
 */
export async function publicResult(db: Db, id: unknown, now = new Date()) {
  const mid = bodyId(id);
  if (mid === null) return null;
  const m = plain(await db.models.CommitteeMeeting.findByPk(mid));
  const today = beijingToday(now);
  if (!m || !m.publishFrom || !m.publishTo || today < m.publishFrom) return null;
  const committee = plain(await db.models.Committee.findByPk(m.committeeId));
  const head = { id: m.id, name: meetingName(m), committee: committee?.name ?? "", from: m.publishFrom, to: m.publishTo };
  if (today > m.publishTo) return { ...head, ended: true as const, rows: [] };
  const passed = await db.models.CommitteeVote.findAll({ where: { meetingId: m.id, result: "pass" }, attributes: ["applicationId"], raw: true });
  const apps = (await db.models.Application.findAll({ where: { id: { [Op.in]: passed.length ? passed.map((v) => v.applicationId) : [-1] } }, order: [["number", "ASC"]] })).map((a) => a.get({ plain: true }));
  const rows = (await describeRows(db, apps)).map((r) => ({ name: r.applicantName, unit: r.unit, series: r.series, level: r.level }));
  return { ...head, ended: false as const, rows };
}
