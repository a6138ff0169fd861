/**
 * How residents answer the bot's questions, read the ways they actually say
 * it: yes and no in a dozen forms, a name with a phone and a village in one
 * line, "等一下" while they fetch the household book. Pure functions; the
 * engine decides what to do with what they find.
 */

export const normalised = (text: string) =>
  text
    .normalize("NFKC")
    .trim()
    .toLowerCase()
    .replace(/[。.!！,，~～\s]+$/g, "");

export const isOneOf = (text: string, words: readonly string[]) => words.includes(normalised(text));

const yesStarts = [
  "是",
  "对",
  "确认",
  "确定",
  "好",
  "行",
  "可以",
  "没错",
  "没问题",
  "要得",
  "中",
  "嗯",
  "恩",
  "提交",
  "就这样",
  "对头",
  "正确",
  "ok",
  "okay",
  "yes",
  "yeah",
  "yep",
  "sure",
  "correct",
  "right",
  "confirm",
  "submit",
  "y",
];
const noStarts = ["不", "没", "别", "错", "改", "no", "nope", "wrong", "n", "not", "don't", "cancel"];

/** "是的" / "对头" / "要得" / "OK" → yes; "不对" / "错了" / "no" → no; anything else: neither. */
export function yesOrNo(text: string): "yes" | "no" | null {
  const t = normalised(text).replace(/[啊呀吧嘛哈的了呢哦噢喔]+$/u, "");
  if (!t || t.length > 20) return null;
  // Yes in the words of a no: "没问题", "没错", "不错".
  if (/^(没问题|没错|不错|没毛病|冇问题)/.test(t)) return "yes";
  // A no first: "不是", "不对", "没有", "不行".
  if (noStarts.some((w) => (/^[a-z]/.test(w) ? new RegExp(`^${w.replace("'", "'")}\\b`).test(t) : t.startsWith(w)))) return "no";
  if (/^(有错|有问题|写错)/.test(t)) return "no";
  if (yesStarts.some((w) => (/^[a-z]/.test(w) ? new RegExp(`^${w}\\b`).test(t) : t.startsWith(w)))) return "yes";
  return null;
}

/**
 * Consent to checking the family's deposits, vehicles and housing is given in words that say so:
 * "同意" / "我同意" / "I agree" — never a bare "嗯" or "好".
 */
export function explicitConsent(text: string): "agree" | "refuse" | null {
  const t = normalised(text);
  if (/不同意|不授权|拒绝|disagree|do not agree|don't agree|refuse/.test(t)) return "refuse";
  if (/同意|授权|i agree|^agree/.test(t)) return "agree";
  return null;
}

/** A phone number written the way people do: spaces or dashes inside. */
export function findPhone(text: string): string | null {
  const match = /(?<!\d)(1\d{2}[\s-]?\d{4}[\s-]?\d{4})(?!\d)/.exec(text);
  if (match) return match[1]!.replace(/[\s-]/g, "");
  // Said in words, as voice input writes it: "一三九 零零 一二三 四五六七".
  const spoken = /[零〇一二三四五六七八九幺][零〇一二三四五六七八九幺\s-]{10,}/u.exec(text)?.[0].replace(/[\s-]/g, "");
  if (!spoken || spoken.length !== 11) return null;
  const digits = [...spoken].map((c) => "零一二三四五六七八九".indexOf(c === "〇" ? "零" : c === "幺" ? "一" : c)).join("");
  return /^1\d{10}$/.test(digits) ? digits : null;
}

/** Words that are never a name, whatever their length. */
const notNames = new Set([
  "不知道",
  "不晓得",
  "不清楚",
  "不记得",
  "没有",
  "没得",
  "莫得",
  "查进度",
  "进度",
  "查询",
  "帮助",
  "菜单",
  "你好",
  "您好",
  "谢谢",
  "等一下",
  "等下",
  "稍等",
  "等等",
  "是的",
  "好的",
  "可以",
  "不是",
  "什么",
  "为什么",
  "干什么",
  "干嘛",
  "申请",
  "低保",
  "救助",
  "困难",
  "继续",
  "取消",
  "算了",
  "重来",
  "英语",
  "中文",
  "问题",
  "老人",
  "家里",
  "政府",
  "村里",
  "镇上",
  "快点",
  "快些",
  "赶紧",
  "赶快",
  "马上",
  "求求",
  "求你",
  "帮帮",
  "拜托",
  "不想说",
  "没手机",
]);
// Particles and words that end a sentence or a place; a name does not have them.
const notInNames =
  /[的了吗呢吧啊么嘛呀哦喔嗯哈村镇乡组县区市省号街路你我他她它们这那哪谁啥咋怎没不要想在去来病钱需帮助救急房死伤院些都也还就又再很太真能得着过]/u;

// A surname may be a word that is not a name elsewhere (钱, 路, 房, 区): the first character is checked for particles only.
const notFirstInNames =
  /[的了吗呢吧啊么嘛呀哦喔嗯哈村镇乡组县市省号你我他她它们这那哪谁啥咋怎没不要想在去来需帮救急死伤些都也还就又再很太真能得着过]/u;

function plausibleChineseName(word: string): boolean {
  return /^[\u4e00-\u9fa5·]{2,5}$/u.test(word) && !notNames.has(word) && !notFirstInNames.test(word[0]!) && !notInNames.test(word.slice(1));
}

/** "我叫张三": a name stated inside a longer message (a report's first words are never taken for a name). */
export function findStatedName(text: string): string | null {
  const stated = /(?:我叫|我是|名字是|名字叫|姓名是?|姓名[:：]|叫)\s*([\u4e00-\u9fa5·]{2,4})/u.exec(text)?.[1];
  if (stated && plausibleChineseName(stated)) return stated;
  // "my name is Li Wei"
  const latin =
    /(?:(?:my|his|her|our|the|applicant's) name is|name[:：]|i am|i'm|this is)\s+([A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){0,3})/i.exec(
      text,
    )?.[1];
  return latin && !/^(a|an|the|from|in|at|not|very|so|wrong)$/i.test(latin.split(/\s+/)[0]!) ? latin.trim() : null;
}

export interface ContactFound {
  applicantName?: string;
  phone?: string;
  /** What the resident wrote about where they live, when it reads as a place. */
  address?: string;
}

const placeMarks = /[村镇乡组社屯寨庄街路号县区]|village|town|county|road|street/i;
const waitWords = /^(等一下|等一哈|等哈|等下|等等|稍等|等会|一会儿?|马上|我去找|我找找|wait|hold on|one moment|just a moment)/i;
const fillers =
  /(我叫|我是|名字是|名字叫|姓名是?|姓名|叫|电话是?|电话号码是?|手机号?码?是?|号码是?|联系方式是?|住在|家住|住|地址是?|在|的|是|my name is|my phone is|phone|i live in|i live at|live in|name|[:：,，。;；、\s/|])/giu;

/** The sender asks for a moment ("等一下 我去找户口本"): not an answer, no need to ask again. */
export function isWaiting(text: string): boolean {
  return waitWords.test(normalised(text));
}

/**
 * A reply to "name, phone and village?" in any order and any mix: "张三 13800001111 桃园村",
 * "我叫张三,住石门村", "13800001111". `placeText` is the part the region tree recognised, if any.
 */
export function findContact(text: string, placeText: string | null): ContactFound {
  const found: ContactFound = {};
  const phone = findPhone(text);
  if (phone) found.phone = phone;
  let rest = text.normalize("NFKC");
  if (phone) rest = rest.replace(/1\d{2}[\s-]?\d{4}[\s-]?\d{4}/, " ");
  const stated = findStatedName(rest);
  if (placeText) {
    found.address = placeText;
    rest = rest.replace(placeText, " ");
  } else {
    // An address the tree does not know (a group, a house number, a place outside the county).
    const written = writtenPlace(rest);
    if (written) {
      found.address = written;
      rest = rest.replace(written, " ");
    }
  }
  if (stated) {
    found.applicantName = stated;
    if (!found.address) found.address = latinContact(text, found).address;
    if (!found.address) delete found.address;
    return found;
  }
  // What is left, once the phone, the place and the filler words are gone, is the name if it looks like one.
  const pieces = rest
    .split(/[\s,，。;；、:：/|]+/u)
    .map((p) => p.replace(fillers, ""))
    .filter(Boolean);
  const chinese = pieces.filter(plausibleChineseName);
  if (chinese.length === 1) found.applicantName = chinese[0];
  else if (chinese.length === 0) Object.assign(found, latinContact(text, found));
  return found;
}

const placeSuffix = /村|社区|组|屯|寨|庄|镇|乡/gu;
// Words that make a "place" a sentence: "你问村长嘛", "是村里的路".
const notInPlaces = /[你我他她问说知道要是不没嘛吧呢啊的了里这那哪谁啥咋怎去来在想]/u;

/** "石门村三组", "河口镇红旗村": the run of place words before a place ending, and a group or house number after it. */
function writtenPlace(text: string): string | null {
  for (const end of text.matchAll(placeSuffix)) {
    let start = end.index;
    while (start > 0 && start > end.index - 10 && /[\u4e00-\u9fa5]/u.test(text[start - 1]!) && !notInPlaces.test(text[start - 1]!)) start--;
    if (start === end.index) continue;
    const after = /^(?:[一二三四五六七八九十\d]+(?:组|社|队|号))*/u.exec(text.slice(end.index + end[0].length))![0];
    const place = text.slice(start, end.index + end[0].length) + after;
    // "村长" and "组长" are people, not places.
    if (/^长/.test(text.slice(end.index + end[0].length))) continue;
    return place;
  }
  return null;
}

/**
 * English details: "Chen Mei 15500001111 Hongqi village", "his name is Li Wei, 136…, we live in Taoyuan". The
 * words before the phone are the name, those after it the place; a bare "Li Na" is a name.
 */
function latinContact(text: string, found: ContactFound): ContactFound {
  const out: ContactFound = {};
  const clean = (words: string) =>
    words
      .replace(
        /\b(my|his|her|our|the|applicant's)?\s*name\s*(is|:)?|\b(i am|i'm|this is|phone|mobile|number|is|and|we|i|live|living|in|at|from)\b/gi,
        " ",
      )
      .replace(/[^A-Za-z .'-]/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  const phone = /1\d{2}[\s-]?\d{4}[\s-]?\d{4}/.exec(text);
  const before = clean(phone ? text.slice(0, phone.index) : text);
  const after = phone ? clean(text.slice(phone.index + phone[0].length)) : "";
  const isName = (words: string) =>
    /^[A-Za-z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*){0,3}$/.test(words) &&
    !/\b(help|yes|no|ok|okay|hello|hi|thanks?|what|why|wait|village|town|county|don't|know|sorry)\b/i.test(words);
  if (isName(before)) out.applicantName = before;
  if (!found.address && after && /[A-Za-z]{3,}/.test(after)) out.address = after;
  return out;
}

/** Whether a reply reads as a place the resident lives in (the tree's match aside). */
export function looksLikePlace(text: string): boolean {
  return placeMarks.test(text) && !isWaiting(text) && text.trim().length >= 2 && text.trim().length <= 60;
}

const chineseDigits: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** "4" / "四口人" / "家里五个人" → the number of people (1–20). */
export function findCount(text: string): number | null {
  const digits = /(\d{1,2})/.exec(text);
  if (digits) {
    const n = Number(digits[1]);
    return n >= 1 && n <= 20 ? n : null;
  }
  const spelled = /(十[一二三四五六七八九]?|[一两二三四五六七八九]十?)/.exec(text);
  if (!spelled) return null;
  const word = spelled[1]!;
  if (word.length === 1) return chineseDigits[word]!;
  if (word.startsWith("十")) return 10 + chineseDigits[word[1]!]!;
  return chineseDigits[word[0]!]! * 10;
}

/** "你们是政府的吗" / "这个是骗子吧" / "is this official": who runs the service, and how to check. */
export function asksWhoWeAre(text: string): boolean {
  return /政府|官方|骗子|诈骗|骗人|真的假的|是真的吗|靠谱|可信|正规|哪个单位|谁办的|你是谁|你们是谁|机器人|who are you|who runs|scam|fraud|official|government|legit|genuine|is this real/i.test(
    text,
  );
}

/** "谢谢" / "thank you": thanks, not a report. */
export function isThanks(text: string): boolean {
  const t = normalised(text);
  return /^(谢谢|多谢|感谢|谢了|辛苦了|thank|thanks|thx)/i.test(t) || (t.length <= 12 && /谢谢|感谢|多谢|thank/i.test(t));
}

/** "我有异议" / "我要举报" with a case number: an objection to that case, not a progress query. */
export function objectsTo(text: string): boolean {
  return /异议|不服|反对|举报|不应该评|不符合条件|不合格|object|complain about/i.test(text);
}

/** "这是新的事" / "另外一件": the resident says a message is a new matter, not more about an open case. */
export function isNewMatter(text: string): boolean {
  return /新的|另外|另一件|别的事|不是一件|新事|重新报|new|another|different|separate/i.test(normalised(text));
}

/** Which language a message is written in, when it clearly is one. */
export function languageOf(text: string): "zh-CN" | "en" | null {
  const han = (text.match(/[\u4e00-\u9fa5]/gu) ?? []).length;
  const words = text.match(/[A-Za-z]{2,}/g) ?? [];
  // "Hi, I am Wang Fang … from 白沙村. My mother has cancer": English with a Chinese place name in it.
  if (words.length >= 3 && words.length > han) return "en";
  if (han >= 2) return "zh-CN";
  if (han > 0) return null;
  if (words.length >= 2 || /^(hello|hi|help|hey|english)$/i.test(normalised(text))) return "en";
  return null;
}

/** "村里啥时候来人" / "批了没有": a question about a case already open. */
export function asksProgress(text: string): boolean {
  return /啥时候|什么时候|几时|多久|进度|到哪一步|怎么样了|咋样了|咋个样|批了没|批下来|有消息|when will|any news|progress/i.test(text);
}

/** "你们打电话给我嘛": the resident asks to be rung. */
export function asksForCall(text: string): boolean {
  return /打电话给我|给我打电话|给我打个电话|回个电话|回电话|打给我|call me|phone me|ring me/i.test(text);
}

/** "不报了" / "不用了" / "我就问问": the resident does not want what is being filled in. */
export function declines(text: string): boolean {
  return /^(不报了?|不用了?|不要报|不想报了?|我不报了?|不申请了?|算了吧?|不要了|我就问问|就是问一下|我不是要报|no thanks|never ?mind|don't want)/i.test(
    normalised(text),
  );
}
