// 单位注册审核: the 单位注册 of the units in the viewer's scope (a 主管部门: the units under it; the
// admin: all), by status, searched by unit name, credit code or 经办人; paginated.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Alert, Button, Card, Input, Select, Space, Tag, Typography } from "antd";
import { dateTimeText } from "~/components/cells";
import { ListTable } from "~/components/list-table";
import { Notice } from "~/components/notice";
import { listPagination, useListQuery } from "~/components/use-list-query";
import { isRegistrationStatus, registrationQueue } from "~/engine/identity/unit-registration.server";
import { requireMay } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { listParams } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "单位注册审核 - 职称申报评审平台" }];

const NOTICES = { approved: "已审核通过，经办人已获得单位经办人权限", refused: "已作出不通过决定，单位将看到原因" };
const STATUS_COLORS: Record<string, string> = { pending: "processing", approved: "success", refused: "error" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMay(request, "unit-registrations");
  const url = new URL(request.url);
  const p = listParams(url);
  // 待审核 unless another status (or 全部, "all") is asked for.
  const raw = url.searchParams.get("status") ?? "pending";
  const status = isRegistrationStatus(raw) ? raw : null;
  const list = await registrationQueue(getDb(), user, { status, q: p.q, offset: p.offset, pageSize: p.pageSize });
  return json({ ...list, page: p.page, pageSize: p.pageSize, q: p.q, status: status ?? "all" });
}

export default function UnitRegistrationQueue() {
  const d = useLoaderData<typeof loader>();
  const go = useListQuery();
  return (
    <Card>
      <Typography.Title level={3}>单位注册审核</Typography.Title>
      <Notice texts={NOTICES} />
      {d.scopeEmpty ? <Alert type="warning" showIcon title="您的账户尚未设置管辖的主管部门，请联系系统管理员。" style={{ marginBottom: 16 }} /> : null}
      <Form method="get" role="search">
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            aria-label="审核状态" style={{ width: 160 }} value={d.status}
            onChange={(v) => go({ status: v, page: null })}
            options={[{ value: "pending", label: "待审核" }, { value: "approved", label: "已通过" }, { value: "refused", label: "未通过" }, { value: "all", label: "全部" }]}
          />
          <input type="hidden" name="status" value={d.status} />
          <Input name="q" defaultValue={d.q} placeholder="单位名称、统一社会信用代码或经办人" aria-label="搜索" allowClear style={{ width: 280 }} />
          <Button htmlType="submit">搜索</Button>
        </Space>
      </Form>
      <ListTable
        rowKey="id" dataSource={d.rows} scroll={{ x: "max-content" }}
        locale={{ emptyText: d.status === "pending" ? "暂无待审核的单位注册" : "暂无单位注册" }}
        pagination={listPagination(d, go)}
        columns={[
          { title: "单位名称", dataIndex: "unitName" },
          { title: "统一社会信用代码", dataIndex: "creditCode" },
          { title: "主管部门", dataIndex: "department", render: (v: string | null) => v ?? "—" },
          { title: "经办人", dataIndex: "agentName" },
          { title: "状态", dataIndex: "statusLabel", render: (v: string, r: (typeof d.rows)[number]) => <Tag color={STATUS_COLORS[r.status]}>{v}</Tag> },
          { title: "提交时间", dataIndex: "createdAt", render: (v: string) => dateTimeText(v) },
          { title: "操作", key: "op", render: (_: unknown, r: (typeof d.rows)[number]) => <Link to={`/review/units/${r.id}`}>{r.status === "pending" ? "审核" : "查看"}</Link> },
        ]}
      />
    </Card>
  );
}
