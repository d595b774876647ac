// 《评审表》: everything an application's review form prints, assembled generically from its own
// workflow version (form steps with their bound form versions, the photo and pledge steps, the
// extracted snapshots with their own category versions, the review chain's stages), then the
// workflow's Handlebars template (templates.reviewForm) → renderPdf. Nothing here names an
// application type, a field or a category: templates choose what to lay out where.
import fs from "node:fs";
import path from "node:path";
import { Op } from "sequelize";
import type { ApplicationAttrs, PlanAttrs, UnitAttrs } from "../../../db/models";
import type { Db } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { UserError } from "~/engine/errors";
import { labelOfRole } from "~/engine/people/roles";
import { contentDisposition, fileDataUrl, fileNamePart } from "../file-storage.server";
import { getForm, validFields, type PublishedForm } from "../form-registry.server";
import { formatColumn, lookupIn, maskIdNumber, recordFields, type FormatOptions } from "../format-value";
import { dictionaryLabelsFor, findDictionary, rowModel } from "../dictionaries.server";
import { renderTemplate } from "../templates.server";
import type { WorkflowDefinition } from "../definitions/types.generated";
import { stepReviewFormData, withStepReviewFormKeys } from "../workflow/steps.server";
import type { ReviewFormCtx } from "../workflow/steps/kit.server";
import { ACTION_LABEL, stateLabel, VOTE_ACTIONS } from "../workflow/review-machine";
import { PdfRenderError } from "./renderer.server";
import { renderPdf, type RenderOptions } from "./render.server";

export interface ReviewFormSource { app: ApplicationAttrs; plan: PlanAttrs; workflow: WorkflowDefinition }
/** A public version (the 公示版 of a publicity stage): its template and file-name label. Its data is
 * built masked — ID and mobile numbers in every field — so no template can print them in full. */
export interface ReviewFormVariant { template: string; label: string }

export interface FieldView { name: string; title: string; value: string; long: boolean }
export interface OpinionView { action: string; actionLabel: string; comment: string; actor: string; role: string; at: string }

/** The printed form's options: empty fields stay blank; the committee's form prints ID numbers in
 * full (the committee verifies identity; a public version masks them on its own). */
const PRINT: FormatOptions = { empty: "" };
/** Achievement table cells are narrow: compact dates (2018.12), where 2018年12月 would wrap. */
const TABLE_CELL: FormatOptions = { ...PRINT, compact: true };

/** 1 → 一, 12 → 十二, 20 → 二十 (headings of the achievement sections). */
export function cnOrdinal(n: number): string {
  const d = "零一二三四五六七八九";
  if (n < 10) return d[n];
  if (n < 20) return `十${n % 10 ? d[n % 10] : ""}`;
  if (n < 100) return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ""}`;
  return String(n);
}

/** 「各级别职称名称」 of a 职称系列 ("中级=工程师；副高级=高级工程师") → the name of `level`, or "". */
export function titleNameOf(names: unknown, level: string): string {
  for (const part of String(names ?? "").split(/[；;\n]/)) {
    const [k, v] = part.split(/[=＝]/).map((x) => x.trim());
    if (k === level && v) return v;
  }
  return "";
}

/** The title name of the plan's level, declared by the series' dictionary row (its titleNames column). */
async function planTitleName(db: Db, plan: PlanAttrs): Promise<string> {
  const d = await findDictionary(db, "title-series");
  if (!d?.columns.some((c) => c.name === "titleNames")) return "";
  const row = await rowModel(db, d).findByPk(plan.titleSeriesId, { attributes: ["id", "titleNames"] });
  return titleNameOf(row?.get("titleNames"), plan.titleLevel);
}

/** The form's fields in display order (ui:order, else schema order), hidden and file fields and
 * (without a lookup) dictionary codes left out, as the review form prints them (or, with other options, the Excel
 * export). Only values that pass the form's schema print (validFields); a failing field prints empty. */
export function formFields(form: PublishedForm, stored: unknown, o: FormatOptions = PRINT): FieldView[] {
  return recordFields(form.schema, form.uiSchema, validFields(form, stored), o)
    // A dictionary field prints by its label when the caller collected them (dictionaryLabelsFor).
    .filter((f) => !f.schema["x-file"] && !(f.schema["x-dictionary"] && !o.lookup))
    .map(({ name, title, value, schema: p, ui: u }) => ({
      name, title, value,
      long: u["ui:widget"] === "textarea" || (typeof p.maxLength === "number" && p.maxLength > 200) || value.length > 60,
    }));
}



/** Reviewers' opinions per review stage of the chain, from the application's audit rows. */
async function opinions(db: Db, w: WorkflowDefinition, appId: number) {
  const rows = await db.models.AuditLog.findAll({
    where: { entityType: "application", entityId: String(appId), action: { [Op.in]: ["approve", "return", "reject", "pay", "offline-pay", ...VOTE_ACTIONS] } },
    order: [["createdAt", "ASC"], ["id", "ASC"]], raw: true,
  });
  const ids = [...new Set(rows.map((r) => r.actorId).filter((x): x is number => !!x))];
  const users = ids.length ? await db.models.User.findAll({ where: { id: { [Op.in]: ids } }, attributes: ["id", "displayName", "username"], raw: true }) : [];
  return w.reviewChain.stages.map((stage) => {
    const decisions: OpinionView[] = rows.filter((r) => r.fromState === stage.id).map((r) => {
      const u = users.find((x) => x.id === r.actorId);
      return {
        action: r.action, actionLabel: (ACTION_LABEL as Record<string, string>)[r.action] ?? r.action,
        comment: r.comment ?? "", actor: r.actorRole === "system" ? "系统" : u?.displayName ?? u?.username ?? "",
        role: labelOfRole(r.actorRole) ?? "", at: new Date(r.createdAt).toISOString(),
      };
    });
    return {
      id: stage.id, label: stage.label, kind: stage.kind, opinionLabel: stage.opinionLabel ?? `${stage.label}意见`,
      // A publicity stage prints an opinion box only when it declares its heading.
      isReview: stage.kind === "review" || stage.kind === "vote" || (stage.kind === "publicity" && !!stage.opinionLabel), decisions, latest: decisions[decisions.length - 1] ?? null,
      earlier: decisions.slice(0, -1),
    };
  });
}

/** The description of the data a review-form template receives: the engine's keys
 * (templates/_meta/review-form-data.schema.json) and the step kinds'. */
export function reviewFormDataSchema(): Record<string, unknown> {
  const base = JSON.parse(fs.readFileSync(path.join(getEnv().templatesDir, "_meta/review-form-data.schema.json"), "utf8"));
  return withStepReviewFormKeys(base);
}

/** The data a review-form template receives, described field by field by reviewFormDataSchema(). */
export async function reviewFormData(db: Db, src: ReviewFormSource, now = new Date(), masked = false) {
  const { app, plan, workflow: w } = src;
  const PRINT_AS: FormatOptions = { ...PRINT, masked };
  const [profileRow, unit, series, committee, acceptance, titleName] = await Promise.all([
    db.models.Profile.findOne({ where: { userId: app.userId } }).then((r) => r?.get({ plain: true }) ?? null),
    app.unitId ? db.models.Unit.findByPk(app.unitId, { include: ["department", "affiliation"] }) : null,
    db.models.TitleSeries.findByPk(plan.titleSeriesId, { attributes: ["name"], raw: true }),
    app.committeeId ? db.models.Committee.findByPk(app.committeeId, { attributes: ["name"], raw: true }) : null,
    app.acceptanceDepartmentId ? db.models.AcceptanceDepartment.findByPk(app.acceptanceDepartmentId, { attributes: ["name"], raw: true }) : null,
    planTitleName(db, plan),
  ]);
  // Profile fields (性别, 出生日期 …) by name, formatted with the profile's own form version — as
  // they were at submission (a later profile edit does not change a submitted application).
  const profile = app.profileSnapshot ?? (profileRow ? { formId: profileRow.formId, formVersion: profileRow.formVersion, data: profileRow.data } : null);
  const profileForm = profile ? await getForm(db, profile.formId, profile.formVersion) : null;
  const profileFields = profileForm ? formFields(profileForm, profile!.data, PRINT_AS) : [];

  // What the step kinds add (forms and info, photo, signature, achievements …), dictionary values by label.
  const print: ReviewFormCtx["print"] = {
    fields: async (form, data) => formFields(form, data, { ...PRINT_AS, lookup: lookupIn(await dictionaryLabelsFor(db, [{ schema: form.schema, data }])) }),
    image: fileDataUrl,
    cells: async (form, records) => {
      const o = { ...TABLE_CELL, masked, lookup: lookupIn(await dictionaryLabelsFor(db, records.map((data) => ({ schema: form.schema, data })))) };
      return (c, data) => formatColumn(c, data, o);
    },
    ordinal: cnOrdinal,
  };
  const steps = await stepReviewFormData({ db, app, plan, workflow: w, print });
  const info: Record<string, unknown> = steps.info && typeof steps.info === "object" ? { ...steps.info } : {};
  const unitRow: (UnitAttrs & { department?: { name: string } | null; affiliation?: { name: string } | null }) | null = unit ? unit.get({ plain: true }) : null;
  const stages = await opinions(db, w, app.id);
  const name = app.applicantName ?? (typeof info.name === "string" ? info.name : undefined) ?? String(Reflect.get(Object(profile?.data), profileForm?.meta.displayNameField ?? "") ?? "");

  return {
    title: w.name,
    application: {
      id: app.id, number: app.number ?? "", typeName: w.name, statusLabel: stateLabel(w, app),
      submittedAt: app.submittedAt ? new Date(app.submittedAt).toISOString() : null,
    },
    applicant: {
      name, idNumber: (masked ? maskIdNumber : String)(app.applicantIdNumber ?? (typeof info.idNumber === "string" ? info.idNumber : undefined) ?? ""),
      unit: unitRow?.name ?? "", unitCreditCode: unitRow?.creditCode ?? "",
      department: unitRow?.department?.name ?? "", affiliation: unitRow?.affiliation?.name ?? "",
    },
    profile: Object.fromEntries(profileFields.map((f) => [f.name, f.value])),
    profileFields,
    ...steps,
    plan: {
      name: plan.name, year: plan.year, titleSeries: series?.name ?? "", titleLevel: plan.titleLevel,
      titleName, qualification: titleName ? `${titleName}（${plan.titleLevel}）` : plan.titleLevel,
      recognitionType: plan.recognitionType ?? "", committee: committee?.name ?? "", acceptanceDepartment: acceptance?.name ?? "",
      feeYuan: plan.fee ? (plan.fee / 100).toFixed(2) : "",
    },
    stages, reviewStages: stages.filter((s) => s.isReview),
    generatedAt: now.toISOString(),
  };
}

/** `Number_Name_评审表.pdf`: the name is cleaned on its own, so a `/` in it can't cut the number off. */
export function reviewFormFileName(app: Pick<ApplicationAttrs, "number" | "applicantName" | "id">, label = "评审表") {
  const person = fileNamePart(app.applicantName, 60);
  return `${fileNamePart(app.number, 40) || `申报${app.id}`}${person ? `_${person}` : ""}_${label}.pdf`;
}

/** The review form as HTML (the workflow's template). Refused for an application not yet submitted. */
export async function reviewFormHtml(db: Db, src: ReviewFormSource, variant?: ReviewFormVariant) {
  if (src.app.status === "draft" || !src.app.number) throw new UserError("申报尚未提交，提交后才能导出评审表", 409);
  const id = variant?.template ?? src.workflow.templates.reviewForm;
  // The version pinned at (re)submission; applications submitted before pinning print with the latest.
  return renderTemplate(db, id, await reviewFormData(db, src, new Date(), !!variant), src.app.templateVersions?.[id]);
}

/** The review form as a PDF, with 申报编号 in every page's footer. */
export async function renderReviewForm(db: Db, src: ReviewFormSource, opts: Pick<RenderOptions, "queueTimeoutMs" | "onBlocked" | "priority"> = {}, variant?: ReviewFormVariant) {
  const html = await reviewFormHtml(db, src, variant);
  const pdf = await renderPdf(html, { footerText: `申报编号：${src.app.number}`, pageNumbers: true, ...opts });
  return { pdf, fileName: reviewFormFileName(src.app, variant?.label) };
}

const text = (message: string, status: number, headers: Record<string, string> = {}) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });

/** The download response of a review form (routes call this after their access check). A form that
 * can't be made yet (draft) or a busy renderer answers with its Chinese message, never a 500. */
export async function reviewFormResponse(db: Db, src: ReviewFormSource, variant?: ReviewFormVariant) {
  try {
    const { pdf, fileName } = await renderReviewForm(db, src, {}, variant);
    return new Response(new Uint8Array(pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Length": String(pdf.byteLength),
        // attachment: 【导出评审表】 saves the file under its Chinese name rather than opening a viewer.
        "Content-Disposition": contentDisposition(fileName, "application/octet-stream"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (e) {
    if (e instanceof UserError) return text(e.message, e.status);
    // Rendering could not be done now (the renderer already retried a crash once): 503 + retry hint.
    if (e instanceof PdfRenderError) return text(e.message, 503, { "Retry-After": "10" });
    throw e;
  }
}
