// Page/size/query parsing shared by every paginated list.
export const PAGE_SIZES = [10, 20, 50, 100];

export function listParams(url: URL, defaults: { pageSize?: number } = {}) {
  const page = Math.max(1, Math.min(100_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const sizeRaw = Number.parseInt(url.searchParams.get("pageSize") ?? "", 10);
  const pageSize = PAGE_SIZES.includes(sizeRaw) ? sizeRaw : defaults.pageSize ?? 20;
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 50);
  return { page, pageSize, q, offset: (page - 1) * pageSize };
}
