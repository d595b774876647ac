// A 申报计划 as applicants (and the admin's preview) see it: every section of the plan detail.
import { Descriptions, Table, Tag, Typography } from "antd";
import { asCards } from "./list-table";

export const when = (d: string | Date) => new Date(d).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
/** A plan's 申报时间 in a list: two lines (from … 至 / to), never broken inside a date, so the
 * column stays narrow enough for a 1280 px window. */
export function PlanWindow({ opensAt, closesAt }: { opensAt: string | Date; closesAt: string | Date }) {
  return <span style={{ whiteSpace: "nowrap" }}>{when(opensAt)} 至<br />{when(closesAt)}</span>;
}
/** The 申报时间 column's width for PlanWindow. */
export const PLAN_WINDOW_WIDTH = 170;
export const yuan = (fen: number) => (fen === 0 ? "免费" : `${(fen / 100).toFixed(2)} 元`);

/** HTML that the server sanitised (whitelist) on save and again in the loader. */
export function RichText({ html, empty = "无" }: { html: string; empty?: string }) {
  if (!html) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return <div className="rich-text" dangerouslySetInnerHTML={{ __html: html }} />;
}

interface PlanLike {
  name: string; planType: string; recognitionType: string | null; titleSeries: string; titleLevel: string; year: number;
  opensAt: string; closesAt: string; status: string; statusLabel: string; affiliations: string[]; fee: number;
  basicInfo: string; reviewNotes: string; applicantNotice: string; eligibilityText: string;
  attachmentRequirements: { name: string; required: boolean; accept: string[]; maxSizeMb: number; maxCount: number }[];
  specialties: string[]; committees: string[]; acceptanceDepartments: string[];
}

const STATUS_COLOR: Record<string, string> = { upcoming: "blue", open: "green", closed: "default" };

export function PlanSections({ plan, acceptedBy }: { plan: PlanLike; acceptedBy: "committees" | "departments" }) {
  const H = ({ children }: { children: string }) => <Typography.Title level={4} style={{ marginTop: 24 }}>{children}</Typography.Title>;
  return (
    <>
      <section aria-label="基本信息">
        <H>基本信息</H>
        <Descriptions bordered size="small" column={2} items={[
          { key: "type", label: "计划类型", children: <>{plan.planType}{plan.recognitionType ? `（${plan.recognitionType}）` : ""}</> },
          { key: "year", label: "年度", children: plan.year },
          { key: "series", label: "职称系列", children: plan.titleSeries },
          { key: "level", label: "申报级别", children: plan.titleLevel },
          { key: "aff", label: "单位隶属关系", children: plan.affiliations.join("、") || "—" },
          { key: "fee", label: "评审费用", children: yuan(plan.fee) },
          { key: "time", label: "申报时间", span: 2, children: <>{when(plan.opensAt)} 至 {when(plan.closesAt)} <Tag color={STATUS_COLOR[plan.status]}>{plan.statusLabel}</Tag></> },
        ]} />
        <div style={{ marginTop: 12 }}><RichText html={plan.basicInfo} empty="" /></div>
      </section>
      <section aria-label="评审计划说明">
        <H>{acceptedBy === "committees" ? "评审计划说明" : "办理说明"}</H>
        <RichText html={plan.reviewNotes} />
      </section>
      <section aria-label="申报须知">
        <H>申报须知</H>
        <RichText html={plan.applicantNotice} />
      </section>
      <section aria-label="附件要求">
        <H>附件要求</H>
        <Table size="small" rowKey="name" pagination={false} dataSource={plan.attachmentRequirements} locale={{ emptyText: "无附件要求" }}
          {...asCards<PlanLike["attachmentRequirements"][number]>({ columns: [
            { title: "附件名称", dataIndex: "name" },
            { title: "是否必传", dataIndex: "required", render: (v: boolean) => (v ? <Tag color="red">必传</Tag> : "选传") },
            { title: "允许的文件类型", dataIndex: "accept", render: (v: string[]) => v.join("、") },
            { title: "单个文件上限", dataIndex: "maxSizeMb", render: (v: number) => `${v} MB` },
            { title: "数量上限", dataIndex: "maxCount", render: (v: number) => `${v} 个` },
          ] })} />
      </section>
      <section aria-label="申报对象资格">
        <H>申报对象资格</H>
        <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{plan.eligibilityText || "无"}</Typography.Paragraph>
      </section>
      <section aria-label="可评审专业">
        <H>{acceptedBy === "committees" ? "可评审专业" : "可申报专业"}</H>
        <Typography.Paragraph>{plan.specialties.join("、") || "不限"}</Typography.Paragraph>
      </section>
      <section aria-label={acceptedBy === "committees" ? "受理评审委员会" : "受理部门"}>
        <H>{acceptedBy === "committees" ? "受理评审委员会" : "受理部门"}</H>
        <Typography.Paragraph>{(acceptedBy === "committees" ? plan.committees : plan.acceptanceDepartments).join("、") || "—"}</Typography.Paragraph>
      </section>
    </>
  );
}
