import { describe, expect, it } from "vitest";
import { creditCodeCheckChar, idCardCheckChar, isValidCreditCode, isValidIdCard, isValidMobile, isValidYearMonth } from "~/engine/cn-codes";
import { demoUnitSeeds, makeCreditCode, prng } from "../../scripts/seeders/reference-data";

const id = (first17: string) => first17 + idCardCheckChar(first17);

describe("GB 11643 ID numbers", () => {
  it("accepts a number with the right check digit and a real birth date", () => {
    expect(isValidIdCard("11010519491231002X")).toBe(true); // the standard's own example
    expect(isValidIdCard(id("33010619880612123"))).toBe(true);
  });
  it.each([
    ["wrong check digit", "110105194912310021"],
    ["17 digits", "11010519491231002"],
    ["lower-case x", "11010519491231002x"],
    ["impossible date 19490231", id("11010519490231002")],
    ["future birth date", id("33010621990101123")],
    ["unknown province 99", id("99010619880612123")],
    ["letters", "ABCDEFGHIJKLMNOPQR"],
  ])("refuses %s", (_, v) => expect(isValidIdCard(v)).toBe(false));
});

describe("GB 32100 unified social credit codes", () => {
  it("accepts a published example and every seeded unit code", () => {
    expect(isValidCreditCode("91350100M000100Y43")).toBe(true);
    const rnd = prng(1);
    for (const u of demoUnitSeeds()) expect(isValidCreditCode(makeCreditCode(u.org, u.regionCode, rnd))).toBe(true);
  });
  it("refuses a wrong check character, a forbidden letter and a short code", () => {
    const good = "91350100M000100Y43";
    expect(isValidCreditCode(good.slice(0, 17) + (good[17] === "3" ? "4" : "3"))).toBe(false);
    expect(isValidCreditCode("91350100M000100I43")).toBe(false);
    expect(isValidCreditCode("91350100M000100Y4")).toBe(false);
    expect(creditCodeCheckChar("91350100M000100Y4")).toBe("3");
  });
});

describe("mobile and year-month", () => {
  it.each(["13905710001", "19912345678"])("mobile %s ok", (v) => expect(isValidMobile(v)).toBe(true));
  it.each(["12905710001", "1390571000", "139057100011", "+8613905710001"])("mobile %s refused", (v) => expect(isValidMobile(v)).toBe(false));
  it.each(["2020-09", "1999-12"])("year-month %s ok", (v) => expect(isValidYearMonth(v)).toBe(true));
  it.each(["2020-13", "2020-9", "202009", "2020-09-01"])("year-month %s refused", (v) => expect(isValidYearMonth(v)).toBe(false));
});
