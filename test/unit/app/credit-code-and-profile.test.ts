import { describe, expect, it } from "vitest";
import { creditCodeCheckChar, isValidCreditCode } from "~/domain/credit-code";
import { parseOrganizationForm, parseOrganizationInput } from "~/domain/organization-input";
import { industryDivision } from "~/domain/reference-data";

describe("统一社会信用代码 check character (GB 32100)", () => {
  it.each([
    ["91350100M000100Y43", "3"], // the standard's own example
    ["91110108551385082Q", "Q"],
    ["91440300708461136T", "T"],
  ])("%s ends in its check character %s", (code, check) => {
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(check);
    expect(isValidCreditCode(code)).toBe(true);
    expect(isValidCreditCode(code.toLowerCase())).toBe(true);
  });

  it("rejects a wrong check character, a wrong length and letters outside the alphabet (I, O, S, V, Z)", () => {
    expect(isValidCreditCode("91350100M000100Y44")).toBe(false);
    expect(isValidCreditCode("91350100M000100Y4")).toBe(false);
    expect(isValidCreditCode("91350100M00010OY43")).toBe(false);
    expect(creditCodeCheckChar("9135010OM000100Y4")).toBeNull();
  });
});

describe("industry codes (GB/T 4754-2017, manufacturing)", () => {
  it.each([
    ["C34", "C34"], ["c3484", "C34"], ["C348", "C34"], ["C13", "C13"], ["C43", "C43"],
    ["C12", null], ["C44", null], ["C34845", null], ["D4411", null], ["34", null], ["", null],
  ])("%s → division %s", (code, division) => {
    expect(industryDivision(code)).toBe(division);
  });
});

describe("organisation profile input", () => {
  const valid = {
    name: "  宁波甬江精工机械有限公司 ", creditCode: "91350100m000100y43", industryCode: "c3484", districtCode: "330206", clusterCode: "nev_equipment",
    aboveScale: "on", employees: "320", revenueBand: "100m-400m", flags: ["zjtx", "high_tech", "zjtx"],
  };

  it("normalises a valid profile: trimmed name, upper-case codes, division, industry type and region from the reference data", () => {
    const r = parseOrganizationInput(valid);
    expect(r).toEqual({
      ok: true,
      value: {
        name: "宁波甬江精工机械有限公司", creditCode: "91350100M000100Y43", industryCode: "C3484", industryDivision: "C34", industryType: "discrete",
        districtCode: "330206", regionCode: "330200", clusterCode: "nev_equipment", aboveScale: true, employees: 320, revenueBand: "100m-400m",
        flags: ["high_tech", "zjtx"],
      },
    });
  });

  it("gives process industries their type (C26 chemicals)", () => {
    const r = parseOrganizationInput({ ...valid, industryCode: "C2614" });
    expect(r.ok && r.value.industryType).toBe("process");
  });

  it("names every wrong field with its own message and keeps going past the first", () => {
    const r = parseOrganizationInput({
      name: "x", creditCode: "123", industryCode: "C99", districtCode: "310101", clusterCode: "steel", aboveScale: "maybe",
      employees: "-3", revenueBand: "lots", flags: ["zjtx", "fake"],
    });
    expect(r).toEqual({
      ok: false,
      errors: {
        name: "errors.orgName", creditCode: "errors.creditCode", industryCode: "errors.industryCode", districtCode: "errors.district",
        clusterCode: "errors.cluster", aboveScale: "errors.aboveScale", employees: "errors.employees", revenueBand: "errors.revenueBand", flags: "errors.flags",
      },
    });
  });

  it("reads a form where an unticked checkbox is absent and missing fields are required", () => {
    const form = new FormData();
    form.set("name", "慈溪越电智能家电有限公司");
    form.set("districtCode", "330282");
    form.set("employees", "1000001");
    const r = parseOrganizationForm(form);
    expect(r).toEqual({ ok: false, errors: { industryCode: "errors.required", employees: "errors.employees", revenueBand: "errors.required" } });
    form.set("industryCode", "C3859");
    form.set("employees", "520");
    form.set("revenueBand", "100m-400m");
    const ok = parseOrganizationForm(form);
    expect(ok.ok && ok.value).toMatchObject({ aboveScale: false, clusterCode: null, creditCode: null, flags: [] });
  });
});
