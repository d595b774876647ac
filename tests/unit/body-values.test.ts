// Untrusted body values read without throwing, and writes cleaned of what Postgres cannot store.
import { describe, expect, it } from "vitest";
import { bodyId, bodyInt, bodyNumber, bodyText } from "~/utils/body-values";
import { makeStorable, storableText } from "../../db/storable";

const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
const badToString = JSON.parse('{"toString":"x","valueOf":1}');

describe("body values", () => {
  it("never throw on values Number() and String() throw on", () => {
    expect(() => Number(deep)).toThrow(RangeError);
    expect(() => String(badToString)).toThrow(TypeError);
    for (const v of [deep, badToString, [badToString], null, undefined, {}, true]) {
      expect(bodyNumber(v)).toBeNaN();
      expect(bodyText(v)).toBe("");
      expect(bodyInt(v)).toBeNull();
      expect(bodyId(v)).toBeNull();
    }
  });
  it("read numbers from JSON numbers and form strings, within the INTEGER range", () => {
    expect(bodyNumber("12")).toBe(12);
    expect(bodyNumber(" ")).toBeNaN();
    expect(bodyInt("0")).toBe(0);
    expect(bodyId("0")).toBeNull();
    expect(bodyId(2147483647)).toBe(2147483647);
    expect(bodyId(2147483648)).toBeNull();
    expect(bodyInt(-1)).toBeNull();
    expect(bodyInt(1.5)).toBeNull();
    expect(bodyInt("1e999")).toBeNull();
  });
});

describe("storable text", () => {
  it("drops NUL and turns lone surrogates into U+FFFD, keeping pairs", () => {
    expect(storableText("a\u0000b")).toBe("ab");
    expect(storableText("x\ud800y\udc00z")).toBe("x\ufffdy\ufffdz");
    expect(storableText("𝕏👨‍👩‍👧")).toBe("𝕏👨‍👩‍👧");
  });
  it("cleans nested JSON values in place without recursion, leaving dates alone", () => {
    let v: unknown = "a\u0000";
    for (let i = 0; i < 100_000; i++) v = { a: [v] };
    const when = new Date(0);
    const values = { data: v, at: when, name: "\ud800" };
    makeStorable(values);
    expect(values.name).toBe("\ufffd");
    expect(values.at).toBe(when);
    let x: any = values.data;
    while (typeof x !== "string") x = x.a[0];
    expect(x).toBe("a");
  });
});
