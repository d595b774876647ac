// 职称系列 with their 专业 and allowed levels, what each review committee accepts, and the
// 受理部门 for 初定/认定. Deterministic and idempotent: rows are matched by name, existing rows
// (possibly edited by an admin) are left alone.
import type { Transaction } from "sequelize";
import type { Db } from "../../app/utils/db.server";
import { TITLE_LEVELS } from "../../db/models";

const ALL = [...TITLE_LEVELS];
const NO_YUAN = ["初级助理级", "中级", "副高级", "正高级"];

export const TITLE_SERIES: { name: string; code: string; levels: string[]; specialties: string[] }[] = [
  { name: "工程", code: "GC", levels: ALL, specialties: [
    "建筑工程", "建筑设计", "城乡规划", "给排水工程", "暖通空调", "市政工程", "机械工程", "机电一体化", "电气工程", "电力系统及其自动化",
    "电子工程", "通信工程", "计算机软件", "计算机网络", "信息系统", "集成电路", "化工", "材料工程", "冶金", "纺织工程", "轻工",
    "食品工程", "交通运输工程", "道路与桥梁", "港口与航道工程", "水利水电工程", "测绘", "地质勘查", "环境保护", "安全工程", "船舶工程"] },
  { name: "卫生", code: "WS", levels: ALL, specialties: [
    "内科", "外科", "妇产科", "儿科", "眼科", "耳鼻咽喉科", "口腔医学", "皮肤与性病学", "精神病学", "急诊医学", "全科医学",
    "麻醉学", "医学影像", "病理学", "临床医学检验", "康复医学", "中医内科", "中医外科", "针灸", "中药学", "药学", "护理",
    "疾病控制", "公共卫生", "卫生管理", "妇幼保健"] },
  { name: "中小学教师", code: "ZXXJS", levels: ["初级员级", "初级助理级", "中级", "副高级", "正高级"], specialties: [
    "语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治（道德与法治）", "信息技术", "通用技术", "音乐", "体育与健康",
    "美术", "心理健康教育", "学前教育", "特殊教育", "科学"] },
  { name: "高校教师", code: "GXJS", levels: NO_YUAN, specialties: [
    "哲学", "经济学", "法学", "教育学", "文学", "历史学", "理学", "工学", "农学", "医学", "管理学", "艺术学"] },
  { name: "经济", code: "JJ", levels: ["初级助理级", "中级", "副高级", "正高级"], specialties: [
    "工商管理", "农业经济", "财政税收", "金融", "保险", "运输经济", "人力资源管理", "旅游经济", "建筑与房地产经济", "知识产权"] },
  { name: "会计", code: "KJ", levels: ["初级助理级", "中级", "副高级", "正高级"], specialties: ["会计"] },
  { name: "农业", code: "NY", levels: ALL, specialties: [
    "农学", "园艺", "植物保护", "土壤肥料", "畜牧", "兽医", "水产", "农业机械", "农业工程", "农产品质量安全", "林业"] },
  { name: "自然科学研究", code: "ZRKX", levels: NO_YUAN, specialties: ["自然科学研究", "科技管理", "科技情报"] },
  { name: "工艺美术", code: "GYMS", levels: ALL, specialties: ["陶瓷艺术", "玉石雕刻", "木雕", "刺绣", "竹编", "金属工艺", "工艺美术设计"] },
  { name: "档案", code: "DA", levels: ["初级员级", "初级助理级", "中级", "副高级", "正高级"], specialties: ["档案管理", "档案技术"] },
  { name: "新闻", code: "XW", levels: NO_YUAN, specialties: ["记者", "编辑", "播音主持"] },
  { name: "出版", code: "CB", levels: NO_YUAN, specialties: ["编辑", "技术编辑", "校对"] },
  { name: "图书资料", code: "TSZL", levels: ALL, specialties: ["图书资料"] },
  { name: "文物博物", code: "WWBW", levels: NO_YUAN, specialties: ["文物保护", "博物馆学", "考古"] },
  { name: "统计", code: "TJ", levels: ["初级助理级", "中级", "副高级", "正高级"], specialties: ["统计"] },
  { name: "审计", code: "SJ", levels: ["初级助理级", "中级", "副高级", "正高级"], specialties: ["审计"] },
];

/** 各级别职称名称 per series (the title-series dictionary's titleNames column): 申报资格 prints as 高级工程师（副高级）. */
export const TITLE_NAMES: Record<string, string> = {
  "工程": "初级员级=技术员；初级助理级=助理工程师；中级=工程师；副高级=高级工程师；正高级=正高级工程师",
  "卫生": "初级员级=医士；初级助理级=医师；中级=主治医师；副高级=副主任医师；正高级=主任医师",
  "中小学教师": "初级员级=三级教师；初级助理级=二级教师；中级=一级教师；副高级=高级教师；正高级=正高级教师",
  "高校教师": "初级助理级=助教；中级=讲师；副高级=副教授；正高级=教授",
  "经济": "初级助理级=助理经济师；中级=经济师；副高级=高级经济师；正高级=正高级经济师",
  "会计": "初级助理级=助理会计师；中级=会计师；副高级=高级会计师；正高级=正高级会计师",
  "农业": "初级员级=农业技术员；初级助理级=助理农艺师；中级=农艺师；副高级=高级农艺师；正高级=正高级农艺师",
  "自然科学研究": "初级助理级=研究实习员；中级=助理研究员；副高级=副研究员；正高级=研究员",
  "工艺美术": "初级员级=工艺美术员；初级助理级=助理工艺美术师；中级=工艺美术师；副高级=高级工艺美术师；正高级=正高级工艺美术师",
  "档案": "初级员级=管理员；初级助理级=助理馆员；中级=馆员；副高级=副研究馆员；正高级=研究馆员",
  "新闻": "初级助理级=助理记者；中级=记者；副高级=主任记者；正高级=高级记者",
  "出版": "初级助理级=助理编辑；中级=编辑；副高级=副编审；正高级=编审",
  "图书资料": "初级员级=管理员；初级助理级=助理馆员；中级=馆员；副高级=副研究馆员；正高级=研究馆员",
  "文物博物": "初级助理级=助理馆员；中级=馆员；副高级=副研究馆员；正高级=研究馆员",
  "统计": "初级助理级=助理统计师；中级=统计师；副高级=高级统计师；正高级=正高级统计师",
  "审计": "初级助理级=助理审计师；中级=审计师；副高级=高级审计师；正高级=正高级审计师",
};

/** Committee name → what it accepts (series names, "系列/专业" or "*" for all specialties of its series, levels, affiliations). */
const COMMITTEE_ACCEPTS: Record<string, { series: string[]; levels: string[]; affiliations: string[] | "*" }> = {
  "浙江省工程系列高级工程师职务任职资格评审委员会": { series: ["工程"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省卫生系列高级专业技术职务任职资格评审委员会": { series: ["卫生"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省中小学教师高级职务评审委员会": { series: ["中小学教师"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省高校教师专业技术职务评审委员会": { series: ["高校教师"], levels: ["副高级", "正高级"], affiliations: ["省属", "市属", "非公有制"] },
  "浙江省经济系列高级经济师职务任职资格评审委员会": { series: ["经济"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省会计系列高级会计师职务任职资格评审委员会": { series: ["会计"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省农业系列高级农业技术职务任职资格评审委员会": { series: ["农业"], levels: ["副高级", "正高级"], affiliations: "*" },
  "浙江省自然科学研究系列高级职务任职资格评审委员会": { series: ["自然科学研究"], levels: ["副高级", "正高级"], affiliations: "*" },
  "杭州市工程系列中级职务任职资格评审委员会": { series: ["工程"], levels: ["中级"], affiliations: ["市属", "县（市、区）属", "非公有制"] },
  "宁波市卫生系列中级职务任职资格评审委员会": { series: ["卫生"], levels: ["中级"], affiliations: ["市属", "县（市、区）属", "非公有制"] },
};

const CITIES = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"];

export async function seedTitleDictionaries(db: Db, affIds: Map<string, number>, transaction: Transaction) {
  const { TitleSeries, Specialty, Committee, AcceptanceDepartment } = db.models;
  const seriesIds = new Map<string, number>();
  const specialtyIds = new Map<number, number[]>();
  for (const [i, s] of TITLE_SERIES.entries()) {
    const [row, created] = await TitleSeries.findOrCreate({
      where: { name: s.name }, defaults: { name: s.name, code: s.code, sortOrder: i, levels: s.levels }, transaction,
    });
    seriesIds.set(s.name, row.id);
    if (created) await Specialty.bulkCreate(s.specialties.map((name) => ({ seriesId: row.id, name })), { transaction });
    specialtyIds.set(row.id, (await Specialty.findAll({ where: { seriesId: row.id }, attributes: ["id"], order: [["id", "ASC"]], transaction })).map((r) => r.id));
  }
  const allAff = [...affIds.values()];
  for (const [name, a] of Object.entries(COMMITTEE_ACCEPTS)) {
    const [row] = await Committee.findOrCreate({ where: { name }, defaults: { name }, transaction });
    // Only fill in committees that accept nothing yet, so an admin's edits survive a restart.
    if (row.seriesIds.length || row.levels.length) continue;
    const sIds = a.series.map((s) => seriesIds.get(s)!);
    row.set({
      seriesIds: sIds,
      specialtyIds: sIds.flatMap((id) => specialtyIds.get(id) ?? []),
      levels: a.levels,
      affiliationIds: a.affiliations === "*" ? allAff : a.affiliations.map((n) => affIds.get(n)!),
    });
    await row.save({ transaction });
  }
  const depts: { name: string; region: string; affiliations: string[] }[] = [
    { name: "浙江省人力资源和社会保障厅", region: "浙江省", affiliations: ["中央在浙", "省属"] },
    ...CITIES.map((c) => ({ name: `${c}市人力资源和社会保障局`, region: `${c}市`, affiliations: ["市属", "县（市、区）属", "非公有制", "其他"] })),
  ];
  for (const d of depts) {
    await AcceptanceDepartment.findOrCreate({
      where: { name: d.name },
      defaults: { name: d.name, region: d.region, affiliationIds: d.affiliations.map((n) => affIds.get(n)!) },
      transaction,
    });
  }
}
