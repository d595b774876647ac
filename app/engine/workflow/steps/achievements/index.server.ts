// 选择业绩: 【提取】 snapshots archive entries of the allowed categories and statuses into the
// application (ApplicationAchievement: data and form version as they were), 【忽略】 removes them;
// per-category and total limits; the review form prints the snapshots by category.
import { Op } from "sequelize";
import type { ApplicationAchievementAttrs } from "../../../../../db/models";
import type { Db } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { isDbId } from "~/utils/ints.server";
import { CATEGORY_KIND, getCategory, listCategories, listColumns, slugOf, type Category, type ListColumn } from "../../../archive.server";
import { describeFiles, fileKeysIn } from "../../../file-storage.server";
import { dictionaryLabelsFor } from "../../../dictionaries.server";
import { getForm } from "../../../form-registry.server";
import type { AchievementsOptions } from "../../../definitions/types.generated";
import { defineStep, type AchievementItem, type ReviewFormCtx, type StepCtx } from "../kit.server";
import reviewFormSchema from "./review-form.schema.json";

type Ctx = StepCtx<"achievements">;
interface CategoryRule { category: Category; min: number; max: number | null }

async function categoryRules(ctx: Ctx): Promise<CategoryRule[]> {
  const o = ctx.options;
  if (o.categories === "all") return (await listCategories(ctx.db)).map((category) => ({ category, min: 0, max: null }));
  const out: CategoryRule[] = [];
  for (const c of o.categories) {
    const category = await getCategory(ctx.db, c.category);
    if (category) out.push({ category, min: c.min ?? 0, max: c.max ?? null });
  }
  return out;
}
async function snapshots(ctx: Ctx) {
  return (await ctx.db.models.ApplicationAchievement.findAll({ where: { applicationId: ctx.app.id, stepId: ctx.step.id }, order: [["id", "ASC"]] })).map((r) => r.get({ plain: true }));
}
function countProblems(o: AchievementsOptions, rules: CategoryRule[], snaps: { categoryId: string }[]) {
  const problems: string[] = [];
  for (const r of rules) {
    const n = snaps.filter((s) => s.categoryId === r.category.id).length;
    if (n < r.min) problems.push(`「${r.category.title}」至少提取 ${r.min} 条（已提取 ${n} 条）`);
    if (r.max !== null && n > r.max) problems.push(`「${r.category.title}」最多提取 ${r.max} 条（已提取 ${n} 条）`);
  }
  if (o.minTotal !== undefined && snaps.length < o.minTotal) problems.push(`业绩合计至少提取 ${o.minTotal} 条（已提取 ${snaps.length} 条）`);
  if (o.maxTotal !== undefined && snaps.length > o.maxTotal) problems.push(`业绩合计最多提取 ${o.maxTotal} 条（已提取 ${snaps.length} 条）`);
  return problems;
}
function idList(raw: unknown) {
  const list = (Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(",") : []).map(Number);
  if (!list.length || list.length > 500 || list.some((n) => !isDbId(n))) throw new UserError("请先勾选业绩", 422);
  return [...new Set(list)];
}
const STATUS_TEXT: Record<string, string> = { pending: "待审核", approved: "审核通过", returned: "退回" };

/** A printed cell that must not wrap: a date, a range of dates, a number, or one of a few short
 * options (省部级, 第一作者); the rest (titles, names of journals and units) wraps. */
function unbreakable(c: ListColumn): boolean {
  const s = (c.schema ?? {}) as { type?: unknown; format?: unknown; enum?: unknown[]; oneOf?: { const?: unknown; title?: unknown }[] };
  if (c.to || s.format === "date" || s.format === "year-month" || s.type === "number" || s.type === "integer") return true;
  const options = Array.isArray(s.enum) ? s.enum : Array.isArray(s.oneOf) ? s.oneOf.map((o) => o.title ?? o.const) : null;
  return !!options?.length && options.every((o) => String(o).length <= 6);
}

/** Per category (and version, when snapshots of one category were taken under different ones):
 * the category's declared columns, each snapshot a row, the title first. */
async function achievementGroups(db: Db, print: ReviewFormCtx["print"], snaps: ApplicationAchievementAttrs[]) {
  const keys = [...new Set(snaps.map((s) => `${s.categoryId}@${s.formVersion}`))];
  const groups = [];
  for (const key of keys) {
    const [categoryId, version] = [key.slice(0, key.lastIndexOf("@")), Number(key.slice(key.lastIndexOf("@") + 1))];
    const cat = await getCategory(db, slugOf(categoryId), version);
    const rows = snaps.filter((s) => s.categoryId === categoryId && s.formVersion === version);
    const declared = cat ? listColumns(cat.form) : [];
    const cell = cat ? await print.cells(cat.form, rows.map((s) => s.data)) : null;
    const titleField = cat?.form.meta.titleField;
    const hasTitle = !!titleField && declared.some((c) => c.field === titleField && !c.to);
    const columns = [
      ...(hasTitle ? [] : [{ title: "名称", nowrap: false, printWidth: undefined, cell: (s: ApplicationAchievementAttrs) => s.title }]),
      ...declared.map((c) => ({
        title: c.title, nowrap: unbreakable(c), printWidth: c.printWidth,
        cell: (s: ApplicationAchievementAttrs) => (c.field === titleField && !c.to && s.title) || (cell ? cell(c, s.data) : ""),
      })),
    ];
    // Declared weights (printWidth): once one column has one, the others weigh 1.
    const declaredWeights = columns.some((c) => c.printWidth);
    const weight = (c: { printWidth?: number }) => (declaredWeights ? c.printWidth ?? 1 : 0);
    const weights = columns.reduce((n, c) => n + weight(c), 0);
    groups.push({
      categoryId, version, order: cat?.order ?? 999,
      title: cat?.title ?? slugOf(categoryId),
      // The 序号 column takes 9 mm of the 178 mm line (5 %); declared weights share what is left.
      columns: columns.map((c) => ({ title: c.title, nowrap: c.nowrap, width: weights ? `${((weight(c) / weights) * 95).toFixed(1)}%` : "" })),
      rows: rows.map((s, i) => ({ index: i + 1, title: s.title, cells: columns.map((c) => c.cell(s)) })),
    });
  }
  groups.sort((a, b) => a.order - b.order || a.categoryId.localeCompare(b.categoryId) || a.version - b.version);
  return groups.map((g, i) => ({ ...g, seq: i + 1, seqCn: print.ordinal(i + 1), count: g.rows.length }));
}

export default defineStep({
  kind: "achievements",
  references(step, catalog, at) {
    const o = step.options;
    const out: string[] = [];
    if (!o) return out;
    if (o.categories !== "all") {
      for (const c of o.categories) {
        if (!catalog.categories.has(c.category)) out.push(`${at} 业绩类别「${c.category}」不存在（${CATEGORY_KIND}/${c.category}）`);
        if (c.min !== undefined && c.max !== undefined && c.min > c.max) out.push(`${at} 业绩类别「${c.category}」的 min 大于 max`);
      }
    }
    if (o.minTotal !== undefined && o.maxTotal !== undefined && o.minTotal > o.maxTotal) out.push(`${at} minTotal 大于 maxTotal`);
    return out;
  },
  async view(ctx) {
    const o = ctx.options;
    const rules = await categoryRules(ctx);
    const snaps = await snapshots(ctx);
    const entries = await ctx.db.models.AchievementEntry.findAll({
      where: { userId: ctx.app.userId, categoryId: { [Op.in]: rules.map((r) => r.category.id) }, status: { [Op.in]: o.statuses } },
      order: [["id", "DESC"]], limit: 5000,
    }).then((rows) => rows.map((r) => r.get({ plain: true })));
    return {
      statuses: o.statuses.map((s) => STATUS_TEXT[s]),
      minTotal: o.minTotal ?? null, maxTotal: o.maxTotal ?? null,
      problems: countProblems(o, rules, snaps),
      categories: rules.map((r) => ({
        slug: r.category.slug, title: r.category.title, min: r.min, max: r.max,
        // The title is its own column; repeating the title field as a declared column adds nothing.
        columns: listColumns(r.category.form).filter((c) => c.field !== r.category.form.meta.titleField).slice(0, 3),
        entries: entries.filter((e) => e.categoryId === r.category.id).map((e) => ({ id: e.id, title: e.title, status: e.status, data: e.data, extracted: snaps.some((s) => s.entryId === e.id) })),
        // Snapshots whose entry has since changed status or gone stay listed, so they can be ignored.
        extracted: snaps.filter((s) => s.categoryId === r.category.id).map((s) => ({ entryId: s.entryId, title: s.title, status: s.entryStatus, formVersion: s.formVersion })),
      })),
    };
  },
  async act(ctx, intent, body) {
    const o = ctx.options;
    const ids = idList(body.ids);
    if (intent === "ignore") {
      return {
        complete: false, message: `已忽略 ${ids.length} 条业绩`,
        inTransaction: async (t) => { await ctx.db.models.ApplicationAchievement.destroy({ where: { applicationId: ctx.app.id, stepId: ctx.step.id, entryId: { [Op.in]: ids } }, transaction: t }); },
      };
    }
    if (intent !== "extract") throw new UserError("不支持的操作");
    const rules = await categoryRules(ctx);
    // Only the applicant's own entries, of a category and status this step allows: anything
    // else (another person's id, a returned entry) reads as not found and nothing is extracted.
    const entries = await ctx.db.models.AchievementEntry.findAll({
      where: { id: { [Op.in]: ids }, userId: ctx.app.userId, categoryId: { [Op.in]: rules.map((r) => r.category.id) }, status: { [Op.in]: o.statuses } },
    }).then((rows) => rows.map((r) => r.get({ plain: true })));
    if (entries.length !== ids.length) throw new UserError(`所选业绩不存在或不可提取（只能提取本人${o.statuses.map((s) => STATUS_TEXT[s]).join("或")}的业绩）`, 404);
    const existing = new Set((await snapshots(ctx)).map((s) => s.entryId));
    const fresh = entries.filter((e) => !existing.has(e.id));
    const after = [...(await snapshots(ctx)), ...fresh];
    const over = rules.filter((r) => r.max !== null && after.filter((s) => s.categoryId === r.category.id).length > r.max);
    if (over.length) throw new UserError(over.map((r) => `「${r.category.title}」最多提取 ${r.max} 条`).join("；"), 422);
    if (o.maxTotal !== undefined && after.length > o.maxTotal) throw new UserError(`业绩合计最多提取 ${o.maxTotal} 条`, 422);
    return {
      complete: false, message: fresh.length ? `已提取 ${fresh.length} 条业绩` : "所选业绩均已提取",
      inTransaction: async (t) => {
        for (const e of fresh) {
          await ctx.db.models.ApplicationAchievement.create({
            applicationId: ctx.app.id, stepId: ctx.step.id, entryId: e.id, categoryId: e.categoryId, formVersion: e.formVersion,
            title: e.title, data: e.data, entryStatus: e.status,
          }, { transaction: t });
        }
      },
    };
  },
  async next(ctx) {
    const problems = countProblems(ctx.options, await categoryRules(ctx), await snapshots(ctx));
    if (problems.length) throw new UserError(problems.join("；"), 422);
    return { data: { count: (await snapshots(ctx)).length }, complete: true };
  },
  async check(ctx) {
    return countProblems(ctx.options, await categoryRules(ctx), await snapshots(ctx));
  },
  async summary(ctx) {
    const rules = await categoryRules(ctx);
    const snaps = await snapshots(ctx);
    const groups = [];
    for (const r of rules) {
      const items: AchievementItem[] = [];
      for (const s of snaps.filter((x) => x.categoryId === r.category.id)) {
        const form = await getForm(ctx.db, s.categoryId, s.formVersion);
        items.push({
          title: s.title || `（${slugOf(s.categoryId)} #${s.entryId}）`, status: STATUS_TEXT[s.entryStatus] ?? s.entryStatus, formVersion: s.formVersion,
          record: form ? { schema: form.schema, uiSchema: form.uiSchema, data: s.data, files: await describeFiles(ctx.db, fileKeysIn(form.schema, s.data)), labels: await dictionaryLabelsFor(ctx.db, [{ schema: form.schema, data: s.data }]) } : null,
        });
      }
      if (items.length) groups.push({ title: r.category.title, items });
    }
    return [{ type: "achievements", groups }];
  },
  reviewForm: {
    schema: reviewFormSchema,
    async data(ctx) {
      // Every snapshot of the application, whichever step took it.
      const snaps = await ctx.db.models.ApplicationAchievement.findAll({ where: { applicationId: ctx.app.id }, order: [["id", "ASC"]] }).then((r) => r.map((x) => x.get({ plain: true })));
      return { achievements: await achievementGroups(ctx.db, ctx.print, snaps), achievementTotal: snaps.length };
    },
  },
});
