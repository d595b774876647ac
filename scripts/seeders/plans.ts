// Three demo 申报计划 (one per plan type), open around the day the demo is first started — seeded with the demo
// accounts only (a real install's plans are entered by its administrator).
import type { Db } from "../../app/utils/db.server";
import { createPlan } from "../../app/engine/plans.server";

// Open from 09:00 (Beijing) a month before the demo is first started to 17:00 three months after,
// so a demo started any day can apply at once. The plans' text names no date of its own: every
// date a plan page shows comes from these fields (tests/integration/plans.test.ts checks it).
const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;
/** `days` from today (Beijing), at `hour`:00 Beijing time. */
const beijingDay = (days: number, hour: number) =>
  new Date(Math.floor((Date.now() + BEIJING) / DAY) * DAY + days * DAY + hour * 3_600_000 - BEIJING).toISOString();
const OPENS = beijingDay(-30, 9);
const CLOSES = beijingDay(90, 17);
const YEAR = new Date(Date.now() + BEIJING).getUTCFullYear();

const COMMON_ATTACHMENTS = [
  { name: "身份证（正反面）", required: true, accept: ["jpg", "png", "pdf"], maxSizeMb: 5, maxCount: 2 },
  { name: "学历学位证书", required: true, accept: ["jpg", "png", "pdf"], maxSizeMb: 10, maxCount: 4 },
];

/** The demo plans' eligibility rules (the facts they read are labelled: tests/unit/eligibility-facts.test.ts). */
export const DEMO_RULES = {
  review: [
    { label: "大学本科及以上学历", logic: { ">=": [{ var: "educationRank" }, 4] } },
    { label: "现资格级别为中级", logic: { "==": [{ var: "currentTitleLevel" }, "中级"] } },
    { label: "取得中级资格满 5 年", logic: { ">=": [{ var: "yearsSinceCurrentTitle" }, 5] } },
    { label: "审核通过的论文或获奖不少于 1 项", logic: { ">=": [{ "+": [{ var: "approved.paper" }, { var: "approved.award" }] }, 1] } },
  ],
  initial: [
    { label: "大学专科及以上学历", logic: { ">=": [{ var: "educationRank" }, 3] } },
    { label: "参加工作满 1 年", logic: { ">=": [{ var: "yearsSinceWorkStart" }, 1] } },
  ],
  recognition: [{ label: "已取得中级资格", logic: { "==": [{ var: "currentTitleLevel" }, "中级"] } }],
};

export async function seedDemoPlans(db: Db) {
  const m = db.models;
  const series = async (name: string) => (await m.TitleSeries.findOne({ where: { name } }))!;
  const affIds = (await m.Affiliation.findAll()).map((a) => a.id);
  const gc = await series("工程");
  const gcSpecs = (await m.Specialty.findAll({ where: { seriesId: gc.id }, order: [["id", "ASC"]] })).map((s) => s.id);
  const committee = await m.Committee.findOne({ where: { name: "浙江省工程系列高级工程师职务任职资格评审委员会" } });
  const depts = (await m.AcceptanceDepartment.findAll({ order: [["id", "ASC"]] })).map((d) => d.id);
  const plans = [
    {
      name: `${YEAR}年度浙江省工程系列高级工程师职务任职资格评审`, planType: "职称评审", titleSeriesId: gc.id, titleLevel: "副高级",
      affiliationIds: affIds, year: YEAR, opensAt: OPENS, closesAt: CLOSES, fee: 30000,
      basicInfo: `<p>根据《浙江省职称评审管理办法》，${YEAR}年度工程系列高级工程师评审工作即日启动。</p><p>请在上方“申报时间”截止前完成网上申报。</p>`,
      reviewNotes: "<ol><li>申报人通过本平台填报申报信息并提取业绩档案；</li><li>所在单位审核并公示不少于5个工作日；</li><li>主管部门审核后报送评委会办事机构受理。</li></ol>",
      applicantNotice: "<p>申报人对申报材料的真实性负责，弄虚作假者按规定严肃处理。</p>",
      attachmentRequirements: [...COMMON_ATTACHMENTS, { name: "代表性业绩材料", required: true, accept: ["pdf"], maxSizeMb: 20, maxCount: 5 }, { name: "单位公示结果", required: false, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 1 }],
      eligibilityText: "具备大学本科及以上学历，取得工程师资格后从事本专业技术工作满5年；任现职以来有审核通过的论文或科技奖励。",
      eligibilityRules: DEMO_RULES.review,
      specialtyIds: gcSpecs, committeeIds: committee ? [committee.id] : [], acceptanceDepartmentIds: [],
    },
    {
      name: `${YEAR}年度大中专毕业生专业技术资格初定`, planType: "职称初定", recognitionType: "大中专毕业生职称初定", titleSeriesId: gc.id, titleLevel: "初级助理级",
      affiliationIds: affIds, year: YEAR, opensAt: OPENS, closesAt: CLOSES, fee: 0,
      basicInfo: "<p>大中专毕业生从事专业技术工作满规定年限、经考察合格的，可初定相应专业技术资格。</p>",
      reviewNotes: "<p>由受理部门审核后直接初定，不组织评审。</p>",
      applicantNotice: "<ul><li>大学本科毕业从事专业技术工作满1年，可初定助理级；</li><li>大学专科毕业满3年、中专毕业满5年，可初定助理级。</li></ul>",
      attachmentRequirements: [...COMMON_ATTACHMENTS, { name: "单位考察意见", required: true, accept: ["pdf", "jpg"], maxSizeMb: 5, maxCount: 1 }],
      eligibilityText: "大学本科毕业后从事本专业技术工作满1年（专科满3年）。",
      eligibilityRules: DEMO_RULES.initial,
      specialtyIds: gcSpecs, committeeIds: [], acceptanceDepartmentIds: depts,
    },
    {
      name: `${YEAR}年度外省调入人员专业技术资格认定`, planType: "职称认定", recognitionType: "外省调入人员职称认定", titleSeriesId: gc.id, titleLevel: "中级",
      affiliationIds: affIds, year: YEAR, opensAt: OPENS, closesAt: CLOSES, fee: 0,
      basicInfo: "<p>从外省调入我省工作、已取得外省专业技术资格的人员，可申请资格确认。</p>",
      reviewNotes: "<p>受理部门核验原资格证书及评审文件后予以认定。</p>",
      applicantNotice: "<p>须提供原资格证书、评审表及调动手续材料。</p>",
      attachmentRequirements: [...COMMON_ATTACHMENTS, { name: "原专业技术资格证书", required: true, accept: ["pdf", "jpg"], maxSizeMb: 10, maxCount: 2 }, { name: "调动手续", required: true, accept: ["pdf"], maxSizeMb: 10, maxCount: 2 }],
      eligibilityText: "已取得外省中级专业技术资格。",
      eligibilityRules: DEMO_RULES.recognition,
      specialtyIds: gcSpecs, committeeIds: [], acceptanceDepartmentIds: depts,
    },
  ];
  for (const p of plans) {
    if (await m.Plan.findOne({ where: { name: p.name } })) continue;
    await createPlan(db, p);
  }
}
