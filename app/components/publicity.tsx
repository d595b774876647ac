// 公示 on the pages: the period and outcome of each publicity stage (applicant's 申报记录 and the
// staff page), and the staff's 录入公示期 / 录入公示结果 forms at a publicity stage they run.
import { useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { Alert, Button, Checkbox, Descriptions, Input, Radio, Space, Typography } from "antd";
import { useState } from "react";
import { cnDate } from "~/engine/format-value";
import { PUBLICITY_DECISIONS, PUBLICITY_OUTCOMES, type PublicityOutcome } from "~/engine/workflow/publicity";
import type { ReviewAction } from "~/engine/workflow/review-machine";

export interface PublicityViewData { stageId: string; label: string; period: string; ended: boolean; outcome: string | null; outcomeText: string }

/** 公示期 and 公示结果 of each publicity stage the application has passed or waits at. */
export function PublicityInfo({ views }: { views: PublicityViewData[] }) {
  if (!views.length) return null;
  return (
    <section aria-label="公示" style={{ marginBottom: 20 }}>
      <Typography.Title level={5}>公示</Typography.Title>
      <Descriptions bordered size="small" column={1} items={views.flatMap((v) => [
        { key: `${v.stageId}-p`, label: `公示期（${v.label}）`, children: v.period },
        { key: `${v.stageId}-o`, label: `公示结果（${v.label}）`, children: v.outcome ? v.outcomeText : v.ended ? "公示期已结束，等待录入公示结果" : "公示中" },
      ])} />
    </section>
  );
}

export interface PublicityPanelData {
  label: string; minWorkingDays: number; today: string; earliestStart: string;
  period: { start: string; end: string; text: string } | null;
  outcomeRefusal: string | null;
}

/** The staff's forms at a publicity stage: the period (always correctable until the outcome), then the outcome. */
export function PublicityPanel({ p, version, unlockable }: { p: PublicityPanelData; version: number; unlockable: { id: string; title: string }[] }) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const result = useActionData<{ error?: string }>();
  const [start, setStart] = useState(p.period?.start ?? p.today);
  const [end, setEnd] = useState(p.period?.end ?? "");
  const [outcome, setOutcome] = useState<PublicityOutcome>("none");
  const [opinion, setOpinion] = useState("");
  const [decision, setDecision] = useState<ReviewAction>("approve");
  const [unlock, setUnlock] = useState<string[]>(unlockable.map((s) => s.id));
  const post = (body: Record<string, unknown>) => submit(JSON.stringify({ ...body, version }), { method: "post", encType: "application/json" });
  const objection = outcome === "objection";
  return (
    <section aria-label={p.label} style={{ marginTop: 24 }}>
      <Typography.Title level={4}>{p.label}</Typography.Title>
      {result?.error ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 12 }} /> : null}
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        <div>
          <Typography.Title level={5}>录入公示期</Typography.Title>
          <Typography.Paragraph type="secondary">
            公示期不少于 {p.minWorkingDays} 个工作日（法定节假日不计，调休上班日计入）；已张贴的公示可补录，开始日期不早于 {cnDate(p.earliestStart)}。
          </Typography.Paragraph>
          <Space wrap>
            <label>公示开始日期 <Input type="date" value={start} min={p.earliestStart} onChange={(e) => setStart(e.target.value)} aria-label="公示开始日期" style={{ width: 170 }} /></label>
            <label>公示结束日期 <Input type="date" value={end} min={start} onChange={(e) => setEnd(e.target.value)} aria-label="公示结束日期" style={{ width: 170 }} /></label>
            <Button loading={busy} disabled={!start || !end} onClick={() => post({ intent: "publicity-period", start, end })}>{p.period ? "修改公示期" : "录入公示期"}</Button>
          </Space>
        </div>
        <div>
          <Typography.Title level={5}>录入公示结果</Typography.Title>
          {p.outcomeRefusal ? <Typography.Paragraph type="warning" role="status">{p.outcomeRefusal}</Typography.Paragraph> : null}
          <Space direction="vertical" style={{ width: "100%" }}>
            <Radio.Group value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-label="公示结果" disabled={!!p.outcomeRefusal}>
              {(Object.keys(PUBLICITY_OUTCOMES) as PublicityOutcome[]).map((k) => <Radio key={k} value={k}>{PUBLICITY_OUTCOMES[k]}</Radio>)}
            </Radio.Group>
            {objection ? (
              <>
                <Input.TextArea value={opinion} onChange={(e) => setOpinion(e.target.value)} rows={3} maxLength={500} showCount aria-label="处理意见" placeholder="处理意见（必填，申请人将看到）" />
                <Radio.Group value={decision} onChange={(e) => setDecision(e.target.value)} aria-label="处理决定">
                  {(Object.keys(PUBLICITY_DECISIONS) as ReviewAction[]).map((k) => <Radio key={k} value={k}>{PUBLICITY_DECISIONS[k]}</Radio>)}
                </Radio.Group>
                {decision === "return" ? (
                  <div>
                    <Typography.Text>允许申请人修改的步骤：</Typography.Text>
                    <Checkbox.Group value={unlock} onChange={(v) => setUnlock(v as string[])}>
                      {unlockable.map((s) => <Checkbox key={s.id} value={s.id}>{s.title}</Checkbox>)}
                    </Checkbox.Group>
                  </div>
                ) : null}
              </>
            ) : null}
            <Button type="primary" danger={objection && decision === "reject"} loading={busy}
              disabled={!!p.outcomeRefusal || (objection && !opinion.trim()) || (objection && decision === "return" && !unlock.length)}
              onClick={() => post({ intent: "publicity-outcome", outcome, opinion, decision, unlock })}>
              {p.outcomeRefusal && p.period ? `录入公示结果（${cnDate(p.period.end)}后可录入）` : "录入公示结果"}
            </Button>
          </Space>
        </div>
      </Space>
    </section>
  );
}
