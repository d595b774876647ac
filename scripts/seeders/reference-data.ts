// Reference dictionaries every install starts with: affiliations (隶属关系), departments
// (主管部门), units (工作单位, with valid GB 32100 credit codes) and review committees.
// Deterministic, idempotent (rows are matched by name / credit code).
import type { Db } from "../../app/utils/db.server";
import { creditCodeCheckChar, orgCodeCheckChar } from "../../app/engine/cn-codes";
import { pinyinKeys } from "../../app/engine/pinyin";
import { seedTitleDictionaries, TITLE_NAMES } from "./title-dictionaries";
import { findDictionary, rowModel } from "../../app/engine/dictionaries.server";

export const AFFILIATIONS = ["中央在浙", "省属", "市属", "县（市、区）属", "非公有制", "其他"];

const CITIES: [string, string][] = [
  ["杭州", "330100"], ["宁波", "330200"], ["温州", "330300"], ["嘉兴", "330400"], ["湖州", "330500"], ["绍兴", "330600"],
  ["金华", "330700"], ["衢州", "330800"], ["舟山", "330900"], ["台州", "331000"], ["丽水", "331100"],
];
const COUNTIES: [string, string, string][] = [
  ["杭州市余杭区", "330110", "杭州"], ["杭州市萧山区", "330109", "杭州"], ["杭州市临安区", "330112", "杭州"], ["桐庐县", "330122", "杭州"],
  ["建德市", "330182", "杭州"], ["慈溪市", "330282", "宁波"], ["余姚市", "330281", "宁波"], ["乐清市", "330382", "温州"],
  ["瑞安市", "330381", "温州"], ["诸暨市", "330681", "绍兴"], ["义乌市", "330782", "金华"], ["东阳市", "330783", "金华"],
  ["永康市", "330784", "金华"], ["海宁市", "330481", "嘉兴"], ["桐乡市", "330483", "嘉兴"], ["长兴县", "330522", "湖州"],
  ["德清县", "330521", "湖州"], ["安吉县", "330523", "湖州"], ["温岭市", "331081", "台州"], ["临海市", "331082", "台州"],
  ["龙泉市", "331181", "丽水"],
];

const PROVINCIAL_DEPTS = [
  "浙江省教育厅", "浙江省卫生健康委员会", "浙江省科学技术厅", "浙江省农业农村厅", "浙江省住房和城乡建设厅",
  "浙江省交通运输厅", "浙江省水利厅", "浙江省自然资源厅", "浙江省经济和信息化厅", "浙江省人民政府国有资产监督管理委员会",
  "浙江省人力资源和社会保障厅",
];

type UnitSeed = { name: string; affiliation: string; department: string; region: string; regionCode: string; org: "12" | "91" | "52" };

function provincialUnits(): UnitSeed[] {
  const u = (name: string, department: string, org: UnitSeed["org"] = "12"): UnitSeed =>
    ({ name, affiliation: "省属", department, region: "浙江省", regionCode: "330000", org });
  return [
    ...["浙江工业大学", "浙江师范大学", "浙江理工大学", "杭州电子科技大学", "浙江工商大学", "浙江中医药大学", "中国计量大学",
      "浙江农林大学", "温州医科大学", "浙江海洋大学", "浙江科技大学", "浙江财经大学", "浙江传媒学院", "浙江外国语学院",
      "浙江音乐学院", "浙江警察学院", "浙江水利水电学院", "浙江金融职业学院", "浙江机电职业技术大学", "浙江交通职业技术学院"]
      .map((n) => u(n, "浙江省教育厅")),
    ...["浙江省人民医院", "浙江省中医院", "浙江省肿瘤医院", "浙江省立同德医院", "浙江医院", "浙江省疾病预防控制中心",
      "浙江省血液中心", "浙江省妇幼保健院", "浙江省皮肤病医院", "浙江省中西医结合医院"].map((n) => u(n, "浙江省卫生健康委员会")),
    ...["浙江省农业科学院", "浙江省林业科学研究院", "浙江省淡水水产研究所", "浙江省农业技术推广中心"].map((n) => u(n, "浙江省农业农村厅")),
    ...["浙江省水利河口研究院", "浙江省水利水电勘测设计院"].map((n) => u(n, "浙江省水利厅")),
    ...["浙江省地质院", "浙江省测绘科学技术研究院"].map((n) => u(n, "浙江省自然资源厅")),
    ...["浙江省建筑设计研究院", "浙江省建筑科学设计研究院有限公司"].map((n) => u(n, "浙江省住房和城乡建设厅")),
    ...["浙江省交通运输科学研究院", "浙江省交通规划设计研究院有限公司"].map((n) => u(n, "浙江省交通运输厅")),
    ...["浙江省科技信息研究院", "浙江省化工研究院有限公司"].map((n) => u(n, "浙江省科学技术厅")),
    ...["浙江省能源集团有限公司", "浙江省交通投资集团有限公司", "浙江省机电集团有限公司", "浙江省建设投资集团股份有限公司",
      "浙江省国际贸易集团有限公司", "浙江省海港投资运营集团有限公司"].map((n) => u(n, "浙江省人民政府国有资产监督管理委员会", "91")),
  ];
}

function centralUnits(): UnitSeed[] {
  return ["浙江大学", "国网浙江省电力有限公司", "中国移动通信集团浙江有限公司", "中国电信股份有限公司浙江分公司",
    "中国联合网络通信有限公司浙江省分公司", "中国石化销售股份有限公司浙江石油分公司", "中国电建集团华东勘测设计研究院有限公司",
    "中国联合工程有限公司", "中国铁建港航局集团有限公司浙江分公司", "中国农业科学院茶叶研究所", "自然资源部第二海洋研究所",
    "中国水稻研究所"].map((name, i) => ({
    name, affiliation: "中央在浙", department: i === 0 ? "浙江省教育厅" : "浙江省人民政府国有资产监督管理委员会",
    region: "浙江省", regionCode: "330000", org: i === 0 || i >= 9 ? "12" : "91",
  }));
}

function cityUnits(): UnitSeed[] {
  const out: UnitSeed[] = [];
  for (const [city, code] of CITIES) {
    const c = `${city}市`;
    const add = (suffix: string, dept: string, org: UnitSeed["org"] = "12") =>
      out.push({ name: `${c}${suffix}`, affiliation: "市属", department: `${c}${dept}`, region: c, regionCode: code, org });
    add("第一人民医院", "卫生健康委员会");
    add("中医院", "卫生健康委员会");
    add("妇幼保健院", "卫生健康委员会");
    add("疾病预防控制中心", "卫生健康委员会");
    add("第一中学", "教育局");
    add("职业技术学院", "教育局");
    add("农业科学研究院", "农业农村局");
    add("建筑设计研究院有限公司", "住房和城乡建设局", "91");
    add("城市规划设计研究院", "住房和城乡建设局");
  }
  return out;
}

function countyUnits(): UnitSeed[] {
  const out: UnitSeed[] = [];
  for (const [county, code] of COUNTIES) {
    const add = (suffix: string, dept: string) =>
      out.push({ name: `${county}${suffix}`, affiliation: "县（市、区）属", department: `${county}${dept}`, region: county, regionCode: code, org: "12" });
    add("人民医院", "卫生健康局");
    add("中医院", "卫生健康局");
    add("高级中学", "教育局");
    add("农业技术推广中心", "农业农村局");
  }
  return out;
}

function privateUnits(): UnitSeed[] {
  const list: [string, string][] = [
    ["阿里巴巴（中国）有限公司", "杭州"], ["浙江吉利控股集团有限公司", "杭州"], ["杭州海康威视数字技术股份有限公司", "杭州"],
    ["浙江大华技术股份有限公司", "杭州"], ["万向集团公司", "杭州"], ["传化集团有限公司", "杭州"], ["杭州娃哈哈集团有限公司", "杭州"],
    ["浙江中控技术股份有限公司", "杭州"], ["杭州士兰微电子股份有限公司", "杭州"], ["杭州老板电器股份有限公司", "杭州"],
    ["宁波方太厨具有限公司", "宁波"], ["宁波均胜电子股份有限公司", "宁波"], ["舜宇光学科技（集团）有限公司", "宁波"],
    ["正泰集团股份有限公司", "温州"], ["德力西集团有限公司", "温州"], ["浙江新和成股份有限公司", "绍兴"],
    ["横店集团控股有限公司", "金华"], ["浙江恒逸集团有限公司", "杭州"], ["荣盛控股集团有限公司", "杭州"],
    ["华立集团股份有限公司", "杭州"], ["浙江巨化集团有限公司", "衢州"], ["浙江晶盛机电股份有限公司", "绍兴"],
    ["浙江三花智能控制股份有限公司", "绍兴"], ["卧龙电气驱动集团股份有限公司", "绍兴"], ["浙江海正药业股份有限公司", "台州"],
    ["浙江华海药业股份有限公司", "台州"], ["桐昆集团股份有限公司", "嘉兴"], ["天能控股集团有限公司", "湖州"],
    ["超威电源集团有限公司", "湖州"], ["浙江舟山海洋渔业有限公司", "舟山"],
  ];
  const codes = new Map(CITIES);
  return list.map(([name, city]) => ({
    name, affiliation: "非公有制", department: `${city}市人力资源和社会保障局`, region: `${city}市`, regionCode: codes.get(city)!, org: "91",
  }));
}

export function committeeNames(): string[] {
  return [
    "浙江省工程系列高级工程师职务任职资格评审委员会", "浙江省卫生系列高级专业技术职务任职资格评审委员会",
    "浙江省中小学教师高级职务评审委员会", "浙江省高校教师专业技术职务评审委员会", "浙江省经济系列高级经济师职务任职资格评审委员会",
    "浙江省会计系列高级会计师职务任职资格评审委员会", "浙江省农业系列高级农业技术职务任职资格评审委员会",
    "浙江省自然科学研究系列高级职务任职资格评审委员会", "杭州市工程系列中级职务任职资格评审委员会",
    "宁波市卫生系列中级职务任职资格评审委员会",
  ];
}

/** Deterministic PRNG (mulberry32) so seeded credit codes are stable across installs. */
export function prng(seed: number) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeCreditCode(org: string, regionCode: string, rnd: () => number): string {
  let body = "";
  for (let i = 0; i < 8; i++) body += Math.floor(rnd() * 10);
  const first17 = `${org}${regionCode}${body}${orgCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

export function demoUnitSeeds(): UnitSeed[] {
  return [...centralUnits(), ...provincialUnits(), ...cityUnits(), ...countyUnits(), ...privateUnits()];
}

export async function seedReferenceData(db: Db) {
  const { Affiliation, Department, Unit, Committee } = db.models;
  await db.sequelize.transaction(async (transaction) => {
    const affIds = new Map<string, number>();
    for (const [i, name] of AFFILIATIONS.entries()) {
      const [row] = await Affiliation.findOrCreate({ where: { name }, defaults: { name, sortOrder: i }, transaction });
      affIds.set(name, row.id);
    }
    const units = demoUnitSeeds();
    const deptIds = new Map<string, number>();
    const deptNames = new Set([...PROVINCIAL_DEPTS, ...units.map((u) => u.department)]);
    for (const name of deptNames) {
      const region = name.startsWith("浙江省") ? "浙江省" : name.replace(/(教育局|卫生健康委员会|卫生健康局|农业农村局|住房和城乡建设局|人力资源和社会保障局)$/, "");
      const [row] = await Department.findOrCreate({ where: { name }, defaults: { name, region }, transaction });
      deptIds.set(name, row.id);
    }
    const existing = new Set((await Unit.findAll({ attributes: ["name"], raw: true, transaction })).map((u) => u.name));
    const rnd = prng(20261127);
    const rows = [];
    for (const u of units) {
      const creditCode = makeCreditCode(u.org, u.regionCode, rnd);
      if (existing.has(u.name)) continue;
      rows.push({
        name: u.name, creditCode, affiliationId: affIds.get(u.affiliation)!, departmentId: deptIds.get(u.department)!,
        region: u.region, ...pinyinKeys(u.name),
      });
    }
    if (rows.length) await Unit.bulkCreate(rows, { transaction });
    for (const name of committeeNames()) await Committee.findOrCreate({ where: { name }, defaults: { name }, transaction });
    await seedTitleDictionaries(db, affIds, transaction);
  });
}

/**
 * Columns that come with a later dictionary version, filled after the definitions are published
 * (the column is added then); only empty values, so an administrator's edit survives a restart:
 * each 主管部门's 受理部门 for 初定/认定 (a provincial department → 浙江省人力资源和社会保障厅, a
 * city's or county's → its city's 人力资源和社会保障局) and each 职称系列's 各级别职称名称.
 */
export async function seedDeclaredColumns(db: Db) {
  const series = await findDictionary(db, "title-series");
  if (series?.columns.some((c) => c.name === "titleNames")) {
    for (const [name, titleNames] of Object.entries(TITLE_NAMES)) {
      await rowModel(db, series).update({ titleNames }, { where: { name, titleNames: null } });
    }
  }
  await seedAcceptanceRouting(db);
}

async function seedAcceptanceRouting(db: Db) {
  const [depts, acceptance] = await Promise.all([findDictionary(db, "departments"), findDictionary(db, "acceptance-departments")]);
  const column = depts?.columns.find((c) => c.preselect && c.ref === acceptance?.id);
  if (!depts || !acceptance || !column) return;
  const byName = new Map((await rowModel(db, acceptance).findAll({ attributes: ["id", "name"] })).map((r) => [String(r.get("name")), Number(r.get("id"))]));
  const cityOf = new Map(COUNTIES.map(([county, , city]) => [county, city]));
  await db.sequelize.transaction(async (transaction) => {
    for (const row of await rowModel(db, depts).findAll({ where: { [column.name]: null }, transaction })) {
      const region = String(row.get("region") ?? "");
      const city = cityOf.get(region) ?? CITIES.map(([c]) => c).find((c) => region.startsWith(`${c}市`));
      const id = byName.get(region === "浙江省" ? "浙江省人力资源和社会保障厅" : `${city}市人力资源和社会保障局`);
      if (id) await row.update({ [column.name]: id }, { transaction });
    }
  });
}
