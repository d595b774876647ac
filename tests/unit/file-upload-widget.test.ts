// The "file-upload" widget as RJSF renders it for an array field (ArrayField's custom-widget
// path), on the server: hints in Chinese, existing files as links by name, read-only links only.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SchemaForm } from "~/components/schema-form";
import { evidenceField } from "../helpers/files";

const schema = { type: "object", properties: { evidence: evidenceField } };
const uiSchema = { evidence: { "ui:widget": "file-upload" } };
const KEY = `f_${"a".repeat(32)}`;
const files = { [KEY]: { name: "学位证书.pdf", size: 2048, mimeType: "application/pdf" } };

function render(extra: Record<string, unknown> = {}) {
  return renderToString(
    createElement(SchemaForm, {
      schema, uiSchema, submitText: "保存", onSubmit: () => {},
      formData: { evidence: [KEY] }, formContext: { formId: "test/evidence", files }, ...extra,
    }),
  );
}

describe("file-upload widget", () => {
  it("renders for an array field with hints, the upload button and the existing file as a link", () => {
    const html = render();
    expect(html).toContain("证明材料");
    expect(html).toContain("允许的类型：PDF、JPG、PNG；单个文件不超过 10 MB；最多 5 个");
    expect(html).toContain("继续上传");
    expect(html).toMatch(new RegExp(`<a href="/files/${KEY}" target="_blank" rel="noopener noreferrer"[^>]*>学位证书.pdf</a>`));
    expect(html).toContain('aria-label="删除 学位证书.pdf"');
    expect(html).toMatch(/<input[^>]*type="file"[^>]*accept="application\/pdf,\.pdf,image\/jpeg,\.jpg,\.jpeg,image\/png,\.png"/);
    expect(html).toMatch(/<input[^>]*id="root_evidence"/);
    // Not RJSF's own array UI.
    expect(html).not.toContain("添加");
    expect(html).not.toMatch(/Add|Upload|Delete/);
  });

  it("read-only: links only, no button, no remove, no hint", () => {
    const html = render({ readonly: true });
    expect(html).toContain(">学位证书.pdf</a>");
    expect(html).not.toContain('type="file"');
    expect(html).not.toContain("删除");
    expect(html).not.toContain("允许的类型");
    expect(render({ readonly: true, formData: {} })).toContain("未上传");
  });
});
