// 工作单位 search (app/engine/unit-search.server.ts) on a 10 000-unit SQLite database:
//  1. in process: searchUnits(db, q) one call at a time, per query kind, against `SELECT 1`
//     through the same Sequelize instance (the in-run baseline);
//  2. over HTTP: GET /api/units?q= on the real server with a signed-in session, 50 concurrent
//     connections, one run per query kind, against GET /healthz on the same server.
// Prints markdown tables; never asserts a time.
//
//   npx tsx bench/unit-search.ts
//   BENCH_SECONDS=10 BENCH_SEARCH_CALLS=500 npx tsx bench/unit-search.ts   # quicker
import { QueryTypes } from "sequelize";
import { createTestDb } from "../tests/helpers/db";
import { startServer } from "../tests/helpers/server";
import { Client } from "../tests/helpers/http";
import { DEMO_PASSWORD } from "../scripts/seeders/demo";
import { makeCreditCode, prng } from "../scripts/seeders/reference-data";
import { pinyinKeys } from "../app/engine/pinyin";
import { searchUnits } from "../app/engine/unit-search.server";
import { benchSeconds, CONNECTIONS, ensureBuild, listenerPid, load, machine, ms, summarize, table, warm, type LoadResult } from "./lib";

const TOTAL_UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const CALLS = Number(process.env.BENCH_SEARCH_CALLS ?? 2000);
const WARMUP = 100;

// ---------------------------------------------------------------------------------------------
// Synthetic units: the shapes of real 浙江 unit names (companies, hospitals, schools, institutes).

const CITIES: [string, string][] = [
  ["杭州", "330100"], ["宁波", "330200"], ["温州", "330300"], ["嘉兴", "330400"], ["湖州", "330500"], ["绍兴", "330600"],
  ["金华", "330700"], ["衢州", "330800"], ["舟山", "330900"], ["台州", "331000"], ["丽水", "331100"],
];
const COUNTIES: [string, string][] = [
  ["余杭", "330110"], ["萧山", "330109"], ["临安", "330112"], ["桐庐", "330122"], ["建德", "330182"], ["慈溪", "330282"],
  ["余姚", "330281"], ["乐清", "330382"], ["瑞安", "330381"], ["诸暨", "330681"], ["义乌", "330782"], ["东阳", "330783"],
  ["永康", "330784"], ["海宁", "330481"], ["桐乡", "330483"], ["长兴", "330522"], ["德清", "330521"], ["安吉", "330523"],
  ["温岭", "331081"], ["临海", "331082"], ["龙泉", "331181"],
];
const TRADE = [
  "恒瑞", "华信", "海纳", "鼎盛", "天成", "众合", "博远", "远航", "新锐", "星辰", "金石", "佳禾", "瑞丰", "宏达", "正阳",
  "明德", "启航", "诚泰", "安顺", "合力", "凯盛", "汇通", "东方", "蓝海", "银河", "青山", "绿源", "云帆", "智联", "中科",
  "联创", "卓越", "永盛", "嘉禾", "新华", "兴业", "盛世", "和润", "长青", "同创", "之江", "钱塘", "西湖", "富春", "天目",
  "雁荡", "普陀", "会稽", "兰亭", "江南", "越秀", "甬江", "瓯江", "南湖", "太湖", "千岛", "九龙", "百川", "万象",
];
const INDUSTRY = [
  "科技", "信息技术", "网络科技", "电子", "智能装备", "机械制造", "新材料", "生物医药", "医疗器械", "环保科技", "建设工程",
  "建筑设计", "工程咨询", "软件", "数据服务", "检测技术", "食品", "纺织", "化工", "物流", "能源", "光电", "汽车零部件", "农业开发",
];
const FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"];
const TOWNS = ["城关", "新街", "临浦", "瓜沥", "义桥", "塘栖", "良渚", "仁和", "横店", "佛堂", "白塔", "大溪", "新市", "泗安"];
const FIELDS = ["农业科学", "林业", "水产", "城市规划", "交通规划", "环境科学", "水利水电", "地质勘查", "计量测试", "标准化"];

interface SynthUnit { name: string; org: "12" | "91"; regionCode: string; region: string; affiliation: string }

function synthUnits(n: number, taken: Set<string>): SynthUnit[] {
  const rnd = prng(1127);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const out: SynthUnit[] = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 50) {
    const [city, cityCode] = pick(CITIES);
    const [county, countyCode] = pick(COUNTIES);
    const x = rnd();
    let u: SynthUnit;
    if (x < 0.78) {
      // 杭州恒瑞信息技术有限公司 / 浙江之江新材料股份有限公司 / 义乌佳禾纺织有限公司
      const y = rnd();
      const [place, code, region] = y < 0.25 ? ["浙江", "330000", "浙江省"] : y < 0.7 ? [city, cityCode, `${city}市`] : [county, countyCode, county];
      const trade = pick(TRADE);
      u = { name: `${place}${trade}${pick(INDUSTRY)}${pick(FORMS)}`, org: "91", regionCode: code, region, affiliation: "非公有制" };
    } else if (x < 0.86) {
      const y = rnd();
      const name = y < 0.4 ? `${county}${pick(TOWNS)}镇卫生院`
        : y < 0.7 ? `${city}市第${1 + Math.floor(rnd() * 9)}人民医院${pick(["", "", "（医共体）", `${pick(TOWNS)}分院`])}`
          : `${city}${pick(TRADE)}${pick(["医院", "口腔医院", "眼科医院", "中西医结合医院", "康复医院"])}`;
      u = { name, org: "12", regionCode: y < 0.4 ? countyCode : cityCode, region: `${city}市`, affiliation: y < 0.4 ? "县（市、区）属" : "市属" };
    } else if (x < 0.95) {
      const y = rnd();
      const name = y < 0.5 ? `${county}市${pick(TOWNS)}${pick(["中学", "小学", "实验学校", "初级中学"])}`
        : `${city}市${pick(TRADE)}${pick(["中学", "小学", "职业技术学校", "中等专业学校", "幼儿园"])}`;
      u = { name, org: "12", regionCode: y < 0.5 ? countyCode : cityCode, region: `${city}市`, affiliation: y < 0.5 ? "县（市、区）属" : "市属" };
    } else {
      const name = rnd() < 0.5 ? `${city}市${pick(FIELDS)}研究所` : `浙江${pick(TRADE)}${pick(FIELDS)}研究院有限公司`;
      u = { name, org: name.endsWith("公司") ? "91" : "12", regionCode: cityCode, region: `${city}市`, affiliation: name.endsWith("公司") ? "非公有制" : "市属" };
    }
    if (taken.has(u.name)) continue;
    taken.add(u.name);
    out.push(u);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Kind { kind: string; q: string }

async function main() {
  const seconds = benchSeconds();
  const kindSeconds = Number(process.env.BENCH_HTTP_KIND_SECONDS ?? Math.max(5, seconds / 2));
  console.log(`# bench/unit-search — ${machine()}, SQLite`);

  // 1. A fresh migrated + seeded SQLite database, topped up to TOTAL_UNITS units.
  const { db, target } = await createTestDb("sqlite");
  try {
    const { Unit, Affiliation, Department } = db.models;
    const seeded = await Unit.count();
    const affIds = new Map((await Affiliation.findAll({ raw: true })).map((a) => [a.name, a.id]));
    const deptIds = (await Department.findAll({ raw: true })).map((d) => d.id);
    const existing = await Unit.findAll({ attributes: ["name", "creditCode"], raw: true });
    const codes = new Set(existing.map((u) => u.creditCode));
    const t0 = performance.now();
    const synth = synthUnits(TOTAL_UNITS - seeded, new Set(existing.map((u) => u.name)));
    const rnd = prng(20261127 ^ 0x5bd1e995);
    const drnd = prng(42);
    const rows = synth.map((u) => {
      let creditCode: string;
      do creditCode = makeCreditCode(u.org, u.regionCode, rnd); while (codes.has(creditCode));
      codes.add(creditCode);
      return {
        name: u.name, creditCode, affiliationId: affIds.get(u.affiliation)!, departmentId: deptIds[Math.floor(drnd() * deptIds.length)],
        region: u.region, ...pinyinKeys(u.name),
      };
    });
    await db.sequelize.transaction(async (transaction) => {
      for (let i = 0; i < rows.length; i += 500) await Unit.bulkCreate(rows.slice(i, i + 500), { transaction });
    });
    await db.sequelize.query("ANALYZE");
    const total = await Unit.count();
    console.log(`\nunits: ${seeded} seeded + ${rows.length} synthetic = ${total} (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const anyCode = rows[Math.floor(rows.length / 2)].creditCode;
    const kinds: Kind[] = [
      { kind: "Chinese fragment 医院", q: "医院" },
      { kind: "Chinese fragment 浙江", q: "浙江" },
      { kind: "1 Chinese char 杭", q: "杭" },
      { kind: "pinyin initials zjdx", q: "zjdx" },
      { kind: "pinyin initials hzs", q: "hzs" },
      { kind: "full pinyin hangzhou", q: "hangzhou" },
      { kind: "credit-code prefix 913301", q: "913301" },
      { kind: "credit code, 18 chars", q: anyCode },
      { kind: "no match 无此单位", q: "无此单位" },
      { kind: "1 ASCII char z (hint, no query)", q: "z" },
    ];

    // 2. In process, one call at a time. Kinds are interleaved so drift hits all equally.
    const selectOne = () => db.sequelize.query("SELECT 1 AS one", { type: QueryTypes.SELECT });
    const hits = new Map<string, number>();
    for (const k of kinds) hits.set(k.kind, (await searchUnits(db, k.q)).results.length);
    for (let i = 0; i < WARMUP; i++) {
      await selectOne();
      for (const k of kinds) await searchUnits(db, k.q);
    }
    const base: number[] = [];
    const times = new Map<string, number[]>(kinds.map((k) => [k.kind, []]));
    process.stderr.write(`in process: ${CALLS} calls × ${kinds.length + 1} kinds …\n`);
    for (let i = 0; i < CALLS; i++) {
      let t = performance.now();
      await selectOne();
      base.push(performance.now() - t);
      for (const k of kinds) {
        t = performance.now();
        await searchUnits(db, k.q);
        times.get(k.kind)!.push(performance.now() - t);
      }
    }
    const b = summarize(base);
    console.log(`\n### searchUnits(db, q) in process — ${CALLS} sequential calls per kind after ${WARMUP} warm-up, ${total} units\n`);
    console.log(table(
      ["query kind", "q", "hits (max 20)", "p50 ms", "p95 ms", "p99 ms", "p50 ÷ SELECT 1", "p95 ÷ SELECT 1"],
      [
        ["baseline: SELECT 1 (same Sequelize)", "—", "—", ms(b.p50), ms(b.p95), ms(b.p99), "1", "1"],
        ...kinds.map((k) => {
          const s = summarize(times.get(k.kind)!);
          return [k.kind, `\`${k.q}\``, hits.get(k.kind)!, ms(s.p50), ms(s.p95), ms(s.p99), (s.p50 / b.p50).toFixed(0), (s.p95 / b.p95).toFixed(0)];
        }),
      ],
    ));
    const plan = await db.sequelize.query(
      `EXPLAIN QUERY PLAN SELECT id FROM units WHERE name LIKE '%医院%' OR "pinyinInitials" LIKE '%yy%'`, { type: QueryTypes.SELECT });
    console.log(`\nSQLite plan for a name/pinyin LIKE '%…%': ${plan.map((r: any) => r.detail).join("; ")}`);
    await db.sequelize.close();

    // 3. Over HTTP: the real server on the same database file, signed in as the demo applicant.
    ensureBuild();
    const server = await startServer(target, { DEMO_MODE: "1" });
    try {
      const client = new Client(server.url);
      const login = await client.login("demo_applicant", DEMO_PASSWORD);
      if (login.status !== 302) throw new Error(`login failed: ${login.status} ${await login.text()}`);
      const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const probe = await fetch(`${server.url}/api/units?q=${encodeURIComponent("医院")}`, { headers: { Cookie: cookie }, redirect: "manual" });
      const body: any = probe.status === 200 ? await probe.json() : await probe.text();
      if (probe.status !== 200 || !body.results?.length) throw new Error(`/api/units?q=医院: ${probe.status} ${JSON.stringify(body).slice(0, 300)}`);

      const serverPid = listenerPid(server.port);
      const runs: { kind: string; r: LoadResult }[] = [];
      await warm(server.url, ["/healthz"]);
      process.stderr.write(`HTTP /healthz: ${kindSeconds} s × ${CONNECTIONS} connections …\n`);
      runs.push({ kind: "baseline: GET /healthz", r: await load({ label: "healthz", url: server.url, paths: ["/healthz"], seconds: kindSeconds, serverPid }) });
      for (const k of kinds) {
        const path = `/api/units?q=${encodeURIComponent(k.q)}`;
        const headers = { Cookie: cookie };
        await warm(server.url, [path], headers);
        process.stderr.write(`HTTP ${k.kind}: ${kindSeconds} s × ${CONNECTIONS} connections …\n`);
        runs.push({ kind: k.kind, r: await load({ label: k.kind, url: server.url, paths: [path], headers, seconds: kindSeconds, serverPid }) });
      }
      const hb = runs[0].r;
      console.log(`\n### GET /api/units?q= over HTTP — signed in, ${CONNECTIONS} connections, ${kindSeconds} s per kind, ${total} units\n`);
      console.log(table(
        ["query kind", "req/s", "p50 ms", "p95 ms", "p99 ms", "req/s ÷ /healthz", "p95 ÷ /healthz", "server CPU ms/req", "non-2xx / errors / timeouts", "load avg start→end"],
        runs.map(({ kind, r }) => [
          kind, r.rps.toFixed(0), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99),
          r === hb ? "1" : (r.rps / hb.rps).toFixed(3), r === hb ? "1" : (r.latency.p95 / hb.latency.p95).toFixed(1),
          ms(r.serverCpuMsPerReq), `${r.non2xx} / ${r.errors - r.timeouts} / ${r.timeouts}`, `${r.loadAvg[0].toFixed(1)}→${r.loadAvg[1].toFixed(1)}`,
        ]),
      ));
      console.log("\nThe `z` row is the route's own floor: session + user lookup, no search query.");
    } finally {
      await server.stop();
    }
  } finally {
    await db.sequelize.close().catch(() => {});
    await target.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
