import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, Empty, Space, Typography } from "antd";
import { CountBadge, ListTable, PHONE_HIDDEN } from "~/components/list-table";
import { categoryCounts, listCategories } from "~/engine/archive.server";
import { requireApplicant } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "我的业绩档案库 - 职称申报评审平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApplicant(request);
  const db = getDb();
  const [categories, counts] = await Promise.all([listCategories(db), categoryCounts(db, user.id)]);
  return json({
    categories: categories.map((c, i) => ({
      slug: c.slug, title: c.title, no: i + 1, description: (c.form.meta.description as string) ?? null,
      counts: counts[c.id] ?? { pending: 0, returned: 0, approved: 0 },
    })),
  });
}

export default function Archive() {
  const { categories } = useLoaderData<typeof loader>();
  return (
    <Card>
      <Typography.Title level={3}>我的业绩档案库</Typography.Title>
      <Typography.Paragraph type="secondary">
        请先维护业绩档案库信息。新增或修改的业绩提交后由所在单位审核；待审核、退回状态可再次编辑，点击保存重新提交审核。
      </Typography.Paragraph>
      <ListTable
        rowKey="slug"
        dataSource={categories}
        pagination={false}
        locale={{ emptyText: <Empty description="暂无业绩类别，请联系系统管理员" /> }}
        columns={[
          { title: "序号", dataIndex: "no", width: 64, className: PHONE_HIDDEN },
          { title: "业绩类别", dataIndex: "title", render: (t: string, r) => <Link to={`/archive/${r.slug}`}>{t}</Link> },
          { title: "待审核", key: "pending", width: 90, render: (_: unknown, r) => <CountBadge count={r.counts.pending} color="#0f4c9c" /> },
          { title: "退回", key: "returned", width: 90, render: (_: unknown, r) => <CountBadge count={r.counts.returned} color={r.counts.returned ? "#cf1322" : "#737373"} /> },
          { title: "审核通过", key: "approved", width: 90, render: (_: unknown, r) => <CountBadge count={r.counts.approved} color="#237804" /> },
          { title: "操作", key: "op", width: 140, render: (_: unknown, r) => <Space><Link to={`/archive/${r.slug}`}>查看</Link><Link to={`/archive/${r.slug}/new`}>新增</Link></Space> },
        ]}
      />
    </Card>
  );
}
