import { useNavigate, useSearchParams } from "@remix-run/react";

/**
 * Changes a list page's query (filters, sort, page) in the URL, so every list state can be
 * bookmarked and reloaded. The one-shot notice of the last action is dropped on any change.
 */
export function useListQuery() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(params);
    next.delete("notice");
    next.delete("count");
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, String(v));
    }
    navigate(`?${next}`);
  };
}

/** The antd Table pagination of a list page whose page and size live in the URL. */
export function listPagination(
  list: { page: number; pageSize: number; total: number },
  go: ReturnType<typeof useListQuery>,
  totalText: (n: number) => string = (n) => `共 ${n} 条`,
) {
  return {
    current: list.page, pageSize: list.pageSize, total: list.total, showSizeChanger: true, showTotal: totalText,
    onChange: (page: number, pageSize: number) => go({ page, pageSize }),
  };
}
