// 检查并提交: every other step's summary and the declaration to tick; 【提交】 is the engine's
// submission (applications.server.ts submitApplication), not this step's next.
import { UserError } from "~/engine/errors";
import { defineStep } from "../kit.server";

export default defineStep({
  kind: "confirm-submit",
  final: true,
  async view(ctx) {
    return { sections: await ctx.summaries(), declaration: ctx.options.declaration ?? null };
  },
  async next() { throw new UserError("请点击【提交】提交申报"); },
  async check() { return []; },
  async summary() { return []; },
});
