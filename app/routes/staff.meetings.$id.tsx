// One 评审会议: its list with the counts 赞成/反对/弃权 entered for the whole list at once
// (【保存表决结果】: the stage's pass rule decides each), 【下载表决票模板】 and 【导入表决票】 (the sheet,
// every row checked first), and 【发布评审结果公示】 (the passed list on the public page for a period).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Alert, Button, Card, Descriptions, Input, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { ListTable } from "~/components/list-table";
import { FileButton } from "~/components/wizard/kit";
import { Notice } from "~/components/notice";
import { getMeeting, publishResults, recordVotes } from "~/engine/workflow/meetings.server";
import { countOf, passes, type PassRule } from "~/engine/workflow/vote-rule";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { UserError } from "~/engine/errors";
import { handleUserErrors, readBody } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.meeting.name ?? "评审会议"} - 评审会议` }];

const NOTICES = { created: "评审会议已新建", voted: "表决结果已保存", imported: "表决票已导入，表决结果已保存", published: "评审结果公示已发布" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  try {
    return json(await getMeeting(getDb(), user, params.id));
  } catch (e) {
    // Another committee's meeting (or none) is not there for this office.
    if (e instanceof UserError) throw new Response(e.message, { status: e.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw e;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireMay(request, "committee-votes");
  return handleUserErrors(async () => {
    const body = await readBody(request);
    if (body.intent === "publish") {
      await publishResults(getDb(), user, params.id, body);
      return redirect(`/staff/meetings/${params.id}?notice=published`);
    }
    const r = await recordVotes(getDb(), user, params.id, body);
    return redirect(`/staff/meetings/${params.id}?notice=voted&count=${r.decided}`);
  });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Counts = Record<number, { approve: string; oppose: string; abstain: string }>;

function verdict(rule: PassRule | null, c: Counts[number] | undefined, size: { present: number; members: number }) {
  if (!rule || !c) return null;
  const counts = { approve: countOf(c.approve), oppose: countOf(c.oppose), abstain: countOf(c.abstain) };
  if (Object.values(counts).some((n) => Number.isNaN(n))) return null;
  if (counts.approve + counts.oppose + counts.abstain > size.present) return "超过实到人数";
  return passes(rule, counts, size) ? "通过" : "不通过";
}

function VoteEntry({ d }: { d: Data }) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [counts, setCounts] = useState<Counts>({});
  const size = { present: d.meeting.membersPresent, members: d.meeting.membersTotal };
  const set = (id: number, k: "approve" | "oppose" | "abstain", v: string) => setCounts((c) => ({ ...c, [id]: { ...(c[id] ?? { approve: "", oppose: "", abstain: "" }), [k]: v } }));
  const open = d.items.filter((it) => it.rule);
  const cell = (k: "approve" | "oppose" | "abstain", label: string) => (_: unknown, r: Data["items"][number]) =>
    r.rule ? <Input type="number" min={0} max={size.present} aria-label={`${r.name}${label}`} style={{ width: 80 }} value={counts[r.applicationId]?.[k] ?? ""} onChange={(e) => set(r.applicationId, k, e.target.value)} /> : r[k] ?? "—";
  return (
    <section aria-label="表决结果录入" style={{ marginTop: 16 }}>
      <ListTable rowKey="applicationId" dataSource={d.items} pagination={false} scroll={{ x: 960 }} locale={{ emptyText: "表决名单为空" }}
        columns={[
          { title: "申报编号", dataIndex: "number", width: 150 },
          { title: "姓名", dataIndex: "name", width: 100 },
          { title: "工作单位", dataIndex: "unit" },
          { title: "赞成", key: "approve", width: 100, render: cell("approve", "赞成") },
          { title: "反对", key: "oppose", width: 100, render: cell("oppose", "反对") },
          { title: "弃权", key: "abstain", width: 100, render: cell("abstain", "弃权") },
          { title: "表决结果", key: "result", width: 120, render: (_: unknown, r) => r.result ? <Tag color={r.result === "pass" ? "success" : "error"}>{r.result === "pass" ? "通过" : "不通过"}</Tag> : (verdict(r.rule, counts[r.applicationId], size) ?? r.stateLabel) },
        ]} />
      {open.length ? (
        <Button type="primary" style={{ marginTop: 12 }} loading={busy} disabled={!Object.keys(counts).length}
          onClick={() => submit(JSON.stringify({ version: d.meeting.version, items: open.map((it) => ({ applicationId: it.applicationId, version: it.version, number: it.number, ...(counts[it.applicationId] ?? {}) })) }), { method: "post", encType: "application/json" })}>
          保存表决结果
        </Button>
      ) : null}
    </section>
  );
}

function SheetImport({ id, present }: { id: number; present: number }) {
  const fetcher = useFetcher<{ ok: boolean; error?: string; decided?: number }>();
  const { revalidate } = useRevalidator();
  const done = fetcher.state === "idle" && fetcher.data?.ok;
  useEffect(() => { if (done) revalidate(); }, [done, revalidate]);
  return (
    <section aria-label="导入表决票" style={{ marginTop: 16 }}>
      <Space wrap>
        <a href={`/staff/meetings/${id}/template.xlsx`} download><Button>下载表决票模板</Button></a>
        <FileButton accept=".xlsx" label="导入表决票" disabled={fetcher.state !== "idle"} onFile={(f) => {
          const fd = new FormData();
          fd.append("file", f);
          fetcher.submit(fd, { method: "post", encType: "multipart/form-data", action: `/staff/meetings/${id}/import` });
        }} />
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>表决票中每一行都先检查（申报编号、票数、三项之和不超过实到 {present} 人），有任何一行有误则不导入。</Typography.Paragraph>
      {fetcher.data?.error ? <Alert type="error" showIcon role="alert" title={fetcher.data.error} /> : done ? <Alert type="success" showIcon role="status" title={`表决票已导入，${fetcher.data?.decided} 件申报的表决结果已保存`} /> : null}
    </section>
  );
}

export default function Meeting() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string }>();
  const busy = useNavigation().state !== "idle";
  const m = d.meeting;
  const passed = d.items.filter((it) => it.result === "pass").length;
  return (
    <Card>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{m.name}</Typography.Title>
        <Link to="/staff/meetings">返回评审会议</Link>
      </Space>
      <Notice texts={NOTICES} />
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ margin: "16px 0" }} items={[
        { key: "c", label: "评审委员会", children: m.committee },
        { key: "d", label: "会议日期", children: m.meetingDate },
        { key: "t", label: "委员总数", children: m.membersTotal },
        { key: "p", label: "实到人数", children: m.membersPresent },
        { key: "r", label: "通过规则", children: [...new Set(d.items.map((it) => it.ruleLabel).filter(Boolean))].join("；") || "—" },
        { key: "g", label: "评审结果公示", children: m.published ? `${m.published.from} 至 ${m.published.to}${m.published.showing ? "（公示中）" : ""}` : "未发布" },
      ]} />
      {result?.error ? <Alert type="error" showIcon role="alert" title={result.error} style={{ marginBottom: 12 }} /> : null}
      <VoteEntry d={d} />
      {d.items.some((it) => it.rule) ? <SheetImport id={m.id} present={m.membersPresent} /> : null}
      <section aria-label="评审结果公示" style={{ marginTop: 24 }}>
        <Typography.Title level={4}>评审结果公示</Typography.Title>
        {m.published ? <Typography.Paragraph>公示页面：<Link to={`/public/results/${m.id}`}>{`/public/results/${m.id}`}</Link></Typography.Paragraph> : null}
        {passed ? (
          <Form method="post" aria-label="发布评审结果公示">
            <input type="hidden" name="intent" value="publish" />
            <input type="hidden" name="version" value={m.version} />
            <Space wrap align="end">
              <label>公示开始日期<br /><Input type="date" name="from" aria-label="公示开始日期" required defaultValue={m.published?.from} /></label>
              <label>公示结束日期<br /><Input type="date" name="to" aria-label="公示结束日期" required defaultValue={m.published?.to} /></label>
              <Button type="primary" htmlType="submit" loading={busy}>发布评审结果公示</Button>
            </Space>
          </Form>
        ) : <Typography.Paragraph type="secondary">表决通过的申报可在此发布评审结果公示（公示姓名、工作单位、系列和级别，不含身份证号和手机号）。</Typography.Paragraph>}
      </section>
    </Card>
  );
}
