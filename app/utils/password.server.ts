import { hash, verify } from "@node-rs/argon2";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes).
// algorithm 2 = Argon2id (the package exports it as a const enum, unusable under isolatedModules).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string) {
  return hash(password, OPTIONS);
}

export async function verifyPassword(hashed: string, password: string) {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

// Strength: zxcvbn-ts (a maintained estimator with the common-password, word and name lists and
// keyboard patterns) plus a short list of passwords common in China, which its English-language
// lists miss (woaini1314 would score 3), and this site's own words.
const CHINA_COMMON = [
  "woaini", "5201314", "1314520", "woaini1314", "aini1314", "520520", "1314", "520", "woaini520", "iloveyou1314",
  "qq123456", "a123456", "a123456789", "abc123456", "123qwe", "qweasd", "1qaz2wsx", "147258", "147258369", "159753",
  "888888", "666666", "168168", "518518", "789456", "123456a", "mima", "wodemima", "mima123", "nihao",
  "zhongguo", "beijing", "shanghai", "hangzhou", "zhejiang", "wenzhou", "ningbo", "shenzhen", "guangzhou", "nanjing",
  "laopo", "laogong", "baobei", "tianshi", "xiaoxiao", "aiqing", "xingfu", "kuaile", "pingan", "jiayou",
  "wangluo", "diannao", "weixin", "taobao", "zhifubao", "huawei", "xiaomi", "haha", "hehe", "xiaobai",
  "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
  "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng",
  "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren",
  "shen", "yao", "zhong", "jin", "cui", "tan", "fan", "fang", "shi", "qian", "wen", "zhi", "jun", "hua", "ming", "ling",
  // This platform: 职称申报评审, 浙江, 人社.
  "zcps", "zhicheng", "shenbao", "pingshen", "zhichengshenbao", "renshe", "renshiju", "gongchengshi", "zhuanye", "jishu",
];
const MIN_SCORE = 3; // zxcvbn: ≥ 10^8 guesses, "safely unguessable" for an online, throttled login

let estimator: ZxcvbnFactory | undefined; // built on first use (the lists take ~30 ms)
function strength(password: string, userInputs: string[]) {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...dictionary, chinaCommon: CHINA_COMMON },
    graphs: adjacencyGraphs,
  });
  return estimator.check(password, userInputs);
}

const WHY: Record<string, string> = {
  topTen: "这是最常见的密码之一", topHundred: "这是很常见的密码", common: "这是常见密码", pwned: "这是常见密码",
  similarToCommon: "与常见密码只差大小写或字母换数字", straightRow: "是键盘上连续的按键", keyPattern: "是键盘上有规律的按键",
  simpleRepeat: "含重复的字符", extendedRepeat: "含重复的片段", sequences: "含 abc、123 这样的序列",
  recentYears: "含年份", dates: "含日期", wordByItself: "只是一个常见单词", namesByThemselves: "只是常见的姓名或拼音",
  commonNames: "含常见的姓名或拼音", userInputs: "与用户名或姓名相近",
};

/**
 * Chinese message for a password that is too weak, or null. The same rules for registration,
 * the admin's accounts and the user:create CLI (all through createUser).
 */
export function passwordProblem(password: string, who: { username?: string; displayName?: string | null } = {}): string | null {
  if (password.length < 8) return "密码至少 8 位";
  if (password.length > 64) return "密码不能超过 64 位";
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return "密码须同时包含字母和数字";
  const folded = password.normalize("NFKC").toLowerCase();
  const names = [who.username, who.displayName].map((n) => n?.normalize("NFKC").trim().toLowerCase() ?? "");
  // zhang_wei is also refused as zhangwei; a short Latin name ("li") would refuse half the words.
  const whole = names.flatMap((n) => [n, n.replace(/[_.@\-\s]+/g, "")]).filter((n) => n.length >= (/^[\x20-\x7e]*$/.test(n) ? 3 : 2));
  if (whole.some((n) => folded.includes(n))) return "密码不能包含用户名或姓名";
  // The name's parts (zhang_wei → zhang, wei) are known to an attacker too.
  const inputs = [...whole, ...names.flatMap((n) => n.split(/[_.@\-\s]+/))].filter((n) => n.length >= 2);
  const result = strength(password, inputs);
  if (result.score >= MIN_SCORE) return null;
  const why = result.feedback.warning && WHY[result.feedback.warning];
  return `密码太容易被猜到${why ? `（${why}）` : ""}。请换一个更长、没有规律的密码，例如几个互不相关的词或一句只有您知道的话的拼音首字母，再加上数字和符号；不要用常见密码、键盘上连续的按键、生日年份或用户名`;
}
