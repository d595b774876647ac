// The pinyin keys a name is found by (工作单位「输入关键字查找」: `zjdx` → 浙江大学): initials and
// full pinyin, lower-case, letters and digits of the name kept as they are.
import { pinyin } from "pinyin-pro";

export function pinyinKeys(name: string) {
  return {
    pinyinInitials: pinyin(name, { pattern: "first", toneType: "none", type: "array", nonZh: "consecutive" }).join("").toLowerCase(),
    pinyinFull: pinyin(name, { toneType: "none", type: "array", nonZh: "consecutive" }).join("").toLowerCase(),
  };
}
