// A test fixture step kind (tests/integration/fixture-step-kind.test.ts; no shipped workflow uses
// it): a checklist of which at least options.minChecked lines must be ticked. It is only this
// folder, its client body app/components/wizard/steps/fixture-checklist.tsx and its name in the
// meta-schema's kind enum — the proof that a new step kind needs no edit anywhere else.
import { UserError } from "~/engine/errors";
import { defineStep, saved, type StepCtx } from "../kit.server";
import reviewFormSchema from "./review-form.schema.json";

interface Ticked { checked: number[]; at: string }

function problems(ctx: StepCtx<"fixture-checklist">, checked: number[]) {
  const { items, minChecked } = ctx.options;
  if (checked.some((i) => !Number.isInteger(i) || i < 0 || i >= items.length)) return ["勾选的项目不存在"];
  return checked.length < minChecked ? [`请至少勾选 ${minChecked} 项（已勾选 ${checked.length} 项）`] : [];
}

export default defineStep({
  kind: "fixture-checklist",
  async view(ctx) {
    const ticked = new Set(saved<Ticked>(ctx)?.checked ?? []);
    return { items: ctx.options.items.map((label, index) => ({ index, label, checked: ticked.has(index) })), minChecked: ctx.options.minChecked };
  },
  async next(ctx, body) {
    const checked = [...new Set((Array.isArray(body.checked) ? body.checked : []).map(Number))].sort((a, b) => a - b);
    const p = problems(ctx, checked);
    if (p.length) throw new UserError(p.join("；"), 422);
    return { data: { checked, at: new Date().toISOString() } satisfies Ticked, complete: true };
  },
  async check(ctx) {
    return problems(ctx, saved<Ticked>(ctx)?.checked ?? []);
  },
  async summary(ctx) {
    const ticked = saved<Ticked>(ctx)?.checked ?? [];
    return [{ type: "text", items: [{ label: ctx.step.title, value: ticked.map((i) => ctx.options.items[i]).join("、") || "未勾选" }] }];
  },
  reviewForm: {
    schema: reviewFormSchema,
    async data(ctx, steps) {
      return {
        checklists: steps.map((s) => ({
          stepId: s.id, title: s.title,
          checked: (saved<Ticked>({ state: ctx.app.steps[s.id] })?.checked ?? []).map((i) => s.options?.items[i] ?? ""),
        })),
      };
    },
  },
});
