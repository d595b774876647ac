// 预览保证书: the pledge as it will print.
import { Footer, PledgeFrame, useNext, type WizardCtx } from "../kit";

export default function PledgePreview({ ctx }: { ctx: WizardCtx<"pledge-preview"> }) {
  const { next, busy } = useNext(ctx);
  return (
    <>
      <PledgeFrame html={ctx.view.html} title="保证书预览" height={640} />
      <Footer ctx={ctx} busy={busy} onNext={() => next()} />
    </>
  );
}
