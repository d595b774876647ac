// Stored files without a server: names made safe, types from bytes (not names), the headers a
// download is served with, and the x-file annotations a form may declare.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contentDisposition, detectFileType, fileFields, fileFieldSpec, fileKeysIn, HEAD_BYTES, newFileKey, sanitizeFileName, zipEntryNames } from "~/engine/file-storage.server";
import { acceptAttribute, acceptLabels, fileFieldProblems, FILE_KEY_PATTERN, formatBytes } from "~/engine/file-kinds";
import { checkFormDefinition } from "~/engine/form-registry.server";
import { createAjv } from "~/engine/validator";
import { fileSource } from "~/utils/object-store.server";
import { FILES, evidenceField, zip } from "../helpers/files";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "file-types-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
function onDisk(name: string, bytes: Uint8Array) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return fileSource(p);
}

describe("sanitizeFileName", () => {
  it.each([
    ["../../etc/passwd.pdf", "passwd.pdf"],
    ["..\\..\\Windows\\system.ini.pdf", "system.ini.pdf"],
    ["C:\\Users\\王\\证明材料.pdf", "证明材料.pdf"],
    ["学位证书（扫描件）2024.jpg", "学位证书（扫描件）2024.jpg"],
    ["a\u0000b\r\nc\u0007.pdf", "abc.pdf"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ['quote"s<>|?*:.pdf', "quote_s______.pdf"],
    ["  .hidden.pdf  ", "hidden.pdf"],
    ["..", "未命名文件"],
    ["", "未命名文件"],
    [undefined, "未命名文件"],
    ["/", "未命名文件"],
  ])("%j → %j", (raw, want) => {
    expect(sanitizeFileName(raw)).toBe(want);
  });

  it("keeps at most 100 characters, the extension kept, Chinese counted as one each", () => {
    const long = "浙".repeat(150) + ".pdf";
    const out = sanitizeFileName(long);
    expect(Array.from(out)).toHaveLength(100);
    expect(out.endsWith(".pdf")).toBe(true);
    expect(sanitizeFileName("a".repeat(300))).toHaveLength(100);
    // Astral characters are never cut in half.
    const emoji = sanitizeFileName("😀".repeat(120));
    expect(Array.from(emoji)).toHaveLength(100);
    expect(emoji).toBe("😀".repeat(100));
  });
});

describe("detectFileType (magic bytes)", () => {
  it.each([
    ["PDF", FILES.pdf, "application/pdf", "PDF"],
    ["PNG", FILES.png, "image/png", "PNG"],
    ["JPEG", FILES.jpeg, "image/jpeg", "JPG"],
    ["GIF", FILES.gif, "image/gif", "GIF"],
    ["WEBP", FILES.webp, "image/webp", "WEBP"],
    ["HTML", FILES.html, "text/html", "HTML"],
    ["HTML with a BOM and leading blank lines", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("\n\n  <!DOCTYPE html><p>x")]), "text/html", "HTML"],
    ["SVG", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "image/svg+xml", "SVG"],
    ["bare SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "image/svg+xml", "SVG"],
    ["XHTML with an XML prolog", Buffer.from('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), "text/html", "HTML"],
    ["XML", Buffer.from('<?xml version="1.0"?><data/>'), "application/xml", "XML"],
    ["plain text", Buffer.from("只是一段文字"), "text/plain", "文本文件"],
    ["a Windows executable", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200)]), "application/x-msdownload", "EXE"],
  ])("%s", async (_, bytes, mime, label) => {
    expect(await detectFileType(bytes)).toEqual({ mime, label });
  });

  it("gives null for bytes that match nothing", async () => {
    expect((await detectFileType(Buffer.from([0, 1, 2, 3, 4, 5, 0, 0]))).mime).toBeNull();
  });

  it("ignores the name: a PDF named .png is a PDF", async () => {
    expect((await detectFileType(FILES.pdf, await onDisk("really-a-pdf.png", FILES.pdf))).mime).toBe("application/pdf");
  });

  it("tells DOCX and OFD from a plain ZIP by their entries (needs the whole file)", async () => {
    const docx = FILES.docx();
    const ofd = zip({ "OFD.xml": '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>', "Doc_0/Document.xml": "<x/>" });
    const plain = zip({ "readme.txt": "hi" });
    expect(await zipEntryNames(await onDisk("o.ofd", ofd))).toEqual(["OFD.xml", "Doc_0/Document.xml"]);
    expect((await detectFileType(docx.subarray(0, HEAD_BYTES))).mime).toBe("application/zip");
    expect((await detectFileType(docx.subarray(0, HEAD_BYTES), await onDisk("d.docx", docx))).mime).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(await detectFileType(ofd.subarray(0, HEAD_BYTES), await onDisk("o2.ofd", ofd))).toEqual({ mime: "application/ofd", label: "OFD" });
    expect((await detectFileType(plain, await onDisk("p.zip", plain))).mime).toBe("application/zip");
    // A truncated ZIP (no central directory) is not an OFD and does not throw.
    expect((await detectFileType(ofd.subarray(0, 40), await onDisk("cut.ofd", ofd.subarray(0, 40)))).mime).not.toBe("application/ofd");
  });
});

describe("keys, headers, labels", () => {
  it("new keys are random, 32 characters, and match the schema pattern", () => {
    const keys = new Set(Array.from({ length: 200 }, newFileKey));
    expect(keys.size).toBe(200);
    for (const k of keys) {
      expect(k).toHaveLength(34);
      expect(FILE_KEY_PATTERN.test(k)).toBe(true);
      expect(new RegExp(evidenceField.items.pattern).test(k)).toBe(true);
    }
  });

  it("serves PDFs and images inline, anything else as an attachment, with an RFC 5987 name", () => {
    expect(contentDisposition("证明 (1).pdf", "application/pdf")).toBe(
      `inline; filename="__ (1).pdf"; filename*=UTF-8''%E8%AF%81%E6%98%8E%20%281%29.pdf`,
    );
    expect(contentDisposition("a.png", "image/png")).toMatch(/^inline; /);
    expect(contentDisposition("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toMatch(/^attachment; /);
    expect(contentDisposition("a.svg", "image/svg+xml")).toMatch(/^attachment; /);
    expect(contentDisposition('x";y\\%.pdf', "application/pdf")).toBe(`inline; filename="x__y__.pdf"; filename*=UTF-8''x%22%3By%5C%25.pdf`);
  });

  it("labels and sizes in Chinese", () => {
    expect(acceptLabels(["application/pdf", "image/jpeg", "image/png"])).toBe("PDF、JPG、PNG");
    expect(acceptAttribute(["application/pdf", "image/jpeg"])).toBe("application/pdf,.pdf,image/jpeg,.jpg,.jpeg");
    expect(formatBytes(10485760)).toBe("10 MB");
    expect(formatBytes(1536)).toBe("1.5 KB");
  });
});

describe("file fields in schemas", () => {
  const schema = {
    type: "object",
    properties: {
      evidence: evidenceField,
      name: { type: "string" },
      members: { type: "array", items: { type: "object", properties: { cert: { ...evidenceField, "x-file": { accept: ["application/pdf"], maxSize: 1024 } } } } },
      one: { type: "string", pattern: "^f_[A-Za-z0-9_-]{16,48}$", maxLength: 52, "x-file": { accept: ["image/png"], maxSize: 2048 } },
    },
  };

  it("finds them at any depth", () => {
    expect(fileFields(schema).map((f) => [f.path.join("."), f.multiple])).toEqual([["evidence", true], ["members.*.cert", true], ["one", false]]);
    expect(fileFieldSpec(schema, "evidence")).toEqual(evidenceField["x-file"]);
    expect(fileFieldSpec(schema, "members.cert")?.maxSize).toBe(1024);
    expect(fileFieldSpec(schema, "one")?.accept).toEqual(["image/png"]);
    expect(fileFieldSpec(schema, "name")).toBeNull();
    expect(fileFieldSpec(schema, "nope")).toBeNull();
  });

  it("the server validator accepts x-file (an engine keyword) under strict compile", () => {
    expect(() => createAjv({ strict: true }).compile(schema)).not.toThrow();
  });

  it.each([
    ["an unknown type", { ...evidenceField, "x-file": { accept: ["text/html"], maxSize: 1 } }, "不支持的类型 \"text/html\""],
    ["no accept", { ...evidenceField, "x-file": { maxSize: 1 } }, "x-file.accept"],
    ["a size of 0", { ...evidenceField, "x-file": { accept: ["application/pdf"], maxSize: 0 } }, "x-file.maxSize"],
    ["a size over 100 MB", { ...evidenceField, "x-file": { accept: ["application/pdf"], maxSize: 200 * 1024 * 1024 } }, "x-file.maxSize"],
    ["a misspelt property", { ...evidenceField, "x-file": { accept: ["application/pdf"], maxSize: 1, maxsize: 2 } }, "未知属性：maxsize"],
    ["a number field", { type: "integer", "x-file": { accept: ["application/pdf"], maxSize: 1 } }, "应为字符串（文件编号）或其数组"],
  ])("refuses a form whose file field has %s", (_, field, message) => {
    expect(fileFieldProblems({ type: "object", properties: { f: field } }).join("\n")).toContain(message);
    const def = { id: "x", version: 1, kind: "profile", title: "X", schema: { type: "object", properties: { f: field } }, uiSchema: {} };
    expect(checkFormDefinition(def, "forms/x.json").join("\n")).toContain(message);
  });

  // The designer's conditional field lives in an allOf entry's "then": its files are found (and
  // so checked on save), and the form publishes; a file field inside a definition is refused.
  const conditional = {
    type: "object",
    properties: { hasCert: { type: "boolean", title: "有证书" } },
    allOf: [{ if: { properties: { hasCert: { const: true } }, required: ["hasCert"] }, then: { properties: { cert: evidenceField }, required: ["cert"] } }],
  };

  it("finds a conditional file field at its data path, once", () => {
    expect(fileFields(conditional).map((f) => f.path.join("."))).toEqual(["cert"]);
    const twice = { ...conditional, properties: { ...conditional.properties, cert: evidenceField } };
    expect(fileFields(twice).map((f) => f.path.join("."))).toEqual(["cert"]);
    expect(fileKeysIn(conditional, { hasCert: true, cert: ["f_abcdefghijklmnop1234"] })).toEqual(["f_abcdefghijklmnop1234"]);
  });

  it("publishes a conditional file field and refuses one only a definition declares", () => {
    const ok = { id: "x", version: 1, kind: "profile", title: "X", schema: conditional, uiSchema: { cert: { "ui:widget": "file-upload" } } };
    expect(checkFormDefinition(ok, "forms/x.json")).toEqual([]);
    const hidden = { ...ok, schema: { ...conditional, definitions: { c: structuredClone(evidenceField) } } };
    expect(checkFormDefinition(hidden, "forms/x.json").join("\n")).toContain("schema.definitions.c：x-file 只能写在 properties");
  });

  it("passes the shape category authors use", () => {
    const def = { id: "x", version: 1, kind: "profile", title: "X", schema: { type: "object", properties: { f: evidenceField } }, uiSchema: { f: { "ui:widget": "file-upload" } } };
    expect(checkFormDefinition(def, "forms/x.json")).toEqual([]);
  });
});
