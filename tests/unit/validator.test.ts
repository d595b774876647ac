import { describe, expect, it } from "vitest";
import { customizeValidator } from "@rjsf/validator-ajv8";
import localizeZh from "ajv-i18n/localize/zh";
import { createAjv, RJSF_VALIDATOR_OPTIONS, toErrorSchema, toFieldErrors } from "~/engine/validator";
import { transformErrors } from "~/components/schema-form";

const schema = {
  type: "object",
  required: ["name", "idNumber"],
  additionalProperties: false,
  properties: {
    name: { type: "string", maxLength: 5 },
    idNumber: { type: "string", format: "cn-id-card", maxLength: 18 },
    mobile: { type: "string", format: "cn-mobile", maxLength: 11 },
    month: { type: "string", format: "year-month", maxLength: 7 },
    code: { type: "string", format: "cn-credit-code", maxLength: 18 },
    kind: { enum: ["甲", "乙"] },
    scholar: { type: "string", pattern: "^[A-Za-z]{2}-[A-Za-z0-9]{6,28}$", maxLength: 32, "x-pattern-hint": "应为两个英文字母、短横线和 6–28 位英文字母或数字" },
    postcode: { type: "string", pattern: "^[0-9]{6}$", maxLength: 6 },
    items: { type: "array", items: { type: "object", properties: { n: { type: "integer" } } } },
  },
};

describe("server validator", () => {
  const validate = createAjv().compile(schema);

  it("puts a Chinese message on each failing field", () => {
    const ok = validate({ name: "太长的名字啊啊", idNumber: "110105194912310021", mobile: "123", month: "2020-13", code: "X", kind: "丙", extra: 1, items: [{ n: "a" }] });
    expect(ok).toBe(false);
    const errs = toFieldErrors(validate.errors);
    expect(errs.name).toEqual(["不能超过 5 个字符"]);
    expect(errs.idNumber[0]).toContain("身份证号码不正确");
    expect(errs.mobile[0]).toContain("手机号码不正确");
    expect(errs.month[0]).toContain("应为年月");
    expect(errs.code[0]).toContain("统一社会信用代码不正确");
    expect(errs.kind).toEqual(["请从给定选项中选择"]);
    expect(errs[""]).toEqual(["不允许的字段：extra"]);
    expect(errs["items.0.n"][0]).toContain("类型不正确");
  });

  it("reports a missing required property on that property", () => {
    validate({});
    const errs = toFieldErrors(validate.errors);
    expect(errs.name).toEqual(["此项为必填项"]);
    expect(errs.idNumber).toEqual(["此项为必填项"]);
  });

  it("says what a pattern expects when the field declares x-pattern-hint", () => {
    validate({ name: "张三", idNumber: "11010519491231002X", scholar: "CN_BM75JUJJ", postcode: "31002" });
    const errs = toFieldErrors(validate.errors);
    expect(errs.scholar).toEqual(["格式不正确：应为两个英文字母、短横线和 6–28 位英文字母或数字"]);
    expect(errs.postcode).toEqual(["格式不正确"]);
  });

  it("builds RJSF extraErrors from field paths", () => {
    expect(toErrorSchema({ "a.b": ["x"], "": ["y"] })).toEqual({ a: { b: { __errors: ["x"] } }, __errors: ["y"] });
  });
});

describe("browser validator agrees with the server", () => {
  const browser = customizeValidator(RJSF_VALIDATOR_OPTIONS, localizeZh);
  const server = createAjv().compile(schema);
  const samples = [
    { name: "张三", idNumber: "11010519491231002X" },
    { name: "张三", idNumber: "110105194912310021" },
    { name: "张三", idNumber: "11010519491231002X", mobile: "13905710001", month: "2020-09", code: "91350100M000100Y43" },
    { name: "张三", idNumber: "11010519491231002X", mobile: "1390571000" },
    { idNumber: "11010519491231002X", extra: true },
    { name: "张三", idNumber: "11010519491231002X", scholar: "https://xueshu.baidu.com/scholarID/CN-BM75JUJJ", postcode: "x" },
  ];
  it.each(samples.map((s, i) => [i, s]))("sample %i: same verdict and same messages", (_, sample) => {
    const s = server(sample);
    const b = browser.validateFormData(sample, schema as any, undefined, transformErrors);
    expect(b.errors.length === 0).toBe(s);
    const serverMsgs = Object.values(toFieldErrors(server.errors)).flat().sort();
    const browserMsgs = [...new Set(b.errors.map((e) => e.message!))].sort();
    expect(browserMsgs).toEqual([...new Set(serverMsgs)].sort());
  });
});
