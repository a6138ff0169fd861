import type { RiskType } from "../api/common-schemas.ts";

/**
 * Keyword cues for the risk types of a free-text report, in the words rural
 * residents use (and English). A report may carry several; when nothing
 * matches the case is "OTHER" and the village decides on its home visit.
 */
const cues: Record<Exclude<RiskType, "OTHER">, (string | RegExp)[]> = {
  ILLNESS: ["病", "住院", "手术", "医院", "癌", "肿瘤", "透析", "化疗", "医药费", "医疗费", "治疗", "吃药", "中风", "瘫痪", "sick", "illness", "hospital", "surgery", "cancer", "medical"],
  DISABILITY: ["残疾", "残废", "失明", "瞎了", "聋", "哑", "截肢", "disab", "blind", "deaf", "amputat"],
  SCHOOLING: ["上学", "学费", "读书", "大学", "高中", "中专", "职高", "辍学", "学校", "生活费不够上学", "tuition", "school", "college", "university"],
  DISASTER: ["洪水", "水灾", "发大水", "被水冲", "冲垮", "冲走", "干旱", "旱灾", "地震", "泥石流", "冰雹", "台风", "滑坡", "塌方", "暴雨", "雪灾", "flood", "drought", "earthquake", "landslide", "typhoon", "storm", "hail"],
  ACCIDENT: ["车祸", "意外", "摔伤", "摔断", "受伤", "工伤", "火灾", "着火", /(?<![发高退])烧了/, "烧伤", "溺水", "accident", "injur", /\bfires?\b/, "burned", "crash"],
  BUSINESS_FAILURE: ["亏本", "亏了", "赔了", "养殖", "猪瘟", "死猪", "鸡瘟", "绝收", "减产", "歉收", "滞销", "卖不出去", "生意", "破产", "crop fail", "harvest", "livestock", "business fail", "bankrupt"],
  UNSTABLE_WORK: ["失业", "没活干", "没工作", "找不到工作", "下岗", "裁员", "工厂倒闭", "停工", "工地停", "打不了工", "lost my job", "lost his job", "lost her job", "unemploy", "laid off", "no work"],
  HOUSING: ["房子", "房屋", "危房", "倒塌", "塌了", "漏雨", "墙裂", "裂缝", "住不了", "没地方住", "house", "roof", "home collapsed", "homeless"],
  DRINKING_WATER: ["吃水", "饮水", "水井", "没水喝", "自来水", "水管", "水质", "drinking water", "well dried", "no water"],
  INCOME_DROP: ["没收入", "没有收入", "收入少了", "收入下降", "断了收入", "没了收入", "no income", "income drop", "lost income"],
  EXPENSE_SURGE: ["花了", "欠债", "借钱", "欠了", "负债", "开销大", "花费", "debt", "borrow", "expens", "spent", "cost us"],
};

export function classifyRisks(text: string): RiskType[] {
  const haystack = text.toLowerCase();
  const found = (Object.keys(cues) as (keyof typeof cues)[]).filter((type) => cues[type].some((cue) => (typeof cue === "string" ? haystack.includes(cue) : cue.test(haystack))));
  return found.length > 0 ? found : ["OTHER"];
}
