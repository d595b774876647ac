// Chromium's print header/footer templates. They are HTML of their own (rendered without the
// document's CSS or fonts), so the CJK font is named here and the caller's text is escaped.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Chromium's default header prints the date and <title>; an empty element suppresses it.
export const headerTemplate = () => "<span></span>";

/** 申报编号 … on the left, 第 N 页 / 共 M 页 on the right, in the page's bottom margin. */
export function footerTemplate(opts: { text?: string; pageNumbers?: boolean }): string {
  const text = opts.text ? escapeHtml(opts.text.replace(/[\r\n]+/g, " ").slice(0, 200)) : "";
  const numbers = opts.pageNumbers === false
    ? ""
    : '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页';
  return (
    `<div style="width:100%;box-sizing:border-box;padding:0 16mm;font-size:9pt;color:#000;` +
    `font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif;display:flex;justify-content:space-between;">` +
    `<span>${text}</span><span>${numbers}</span></div>`
  );
}
