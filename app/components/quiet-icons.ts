// antd's icons carry their English names as aria-labels (「down」, 「close-circle」, 「info-circle」),
// which a screen reader reads out in the middle of Chinese pages. Every icon on these pages sits
// beside text that says the same (an Alert's message, a button's label; an icon-only button has
// its own Chinese aria-label), so they are decorative: hidden from assistive technology, here in
// one place for antd's internal icons and ours alike (@ant-design/icons has no global setting).

const ENGLISH_NAME = /^[a-z][a-z0-9-]*$/;

/** What an icon-only control of antd's does, for the controls that have no name but the icon's. */
const ACTION: Record<string, string> = {
  left: "上一页", right: "下一页", "double-left": "向前 5 页", "double-right": "向后 5 页",
  close: "关闭", "close-circle": "清除", search: "搜索", delete: "删除", plus: "新增", ellipsis: "更多",
};

function quiet(root: ParentNode) {
  for (const icon of root.querySelectorAll<HTMLElement>(".anticon[aria-label]")) {
    const name = icon.getAttribute("aria-label") ?? "";
    if (!ENGLISH_NAME.test(name)) continue;
    icon.removeAttribute("aria-label");
    icon.setAttribute("aria-hidden", "true");
    // An icon that was its control's only name (the pager's ‹ ›): the control gets a Chinese one,
    // its container's title (上一页) where antd gives one.
    const control = icon.closest<HTMLElement>("button, a, [role='button']");
    if (control && !control.getAttribute("aria-label") && !control.innerText.trim()) {
      const label = control.closest<HTMLElement>("[title]")?.title || ACTION[name];
      if (label) control.setAttribute("aria-label", label);
    }
  }
}

/** Quiets the icons in the document now and whenever React renders new ones. */
export function quietIcons(doc: Document) {
  quiet(doc);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement) {
      if (n.matches(".anticon")) quiet(n.parentElement ?? n);
      else quiet(n);
    }
  }).observe(doc.body, { childList: true, subtree: true });
}
