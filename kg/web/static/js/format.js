// Numbers written the way a Chinese newspaper reader expects them:
// 788000000 元 → 7.88亿元, 23000 人次 → 2.3万人次, 1784.61 亩 stays 1784.61亩.

// Units that never take 万/亿: shares, changes of shares, multiples and durations.
const UNSCALED = new Set(["%", "百分点", "倍", "小时", "分钟", "天", "个工作日", "个月", "年"]);

const QUALIFIER_WORDS = {
  exact: "",
  approx: "约",
  more_than: "余",
  less_than: "不到",
};

// Drop binary floating-point noise (7.880000000000001 → 7.88) without rounding real digits.
function clean(x) {
  return Number(x.toPrecision(12));
}

function plain(x) {
  const s = String(clean(x));
  return s.includes("e") ? clean(x).toFixed(0) : s;
}

// Digits after the point once written with a magnitude word; more than four reads badly.
function decimals(x) {
  const s = plain(x);
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

// "7.88亿" / "2.3万" / "1784.61": the number with a magnitude word where one fits.
export function formatNumber(value, unit) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  const base = (unit || "").split("/")[0];
  const magnitude = Math.abs(value);
  if (!UNSCALED.has(base)) {
    if (magnitude >= 1e8 && decimals(value / 1e8) <= 4) return plain(value / 1e8) + "亿";
    if (magnitude >= 1e4 && decimals(value / 1e4) <= 4) return plain(value / 1e4) + "万";
  }
  return plain(value);
}

function unitText(unit) {
  if (!unit) return "";
  if (unit === "百分点") return "个百分点";
  return unit;
}

// The value with its unit and its qualifier: "7.88亿元", "9860余人", "约2.3万人次", "90%以上".
export function formatValue(value, unit, qualifier) {
  const number = formatNumber(value, unit);
  if (!number) return "";
  const u = unitText(unit);
  switch (qualifier) {
    case "approx":
      return "约" + number + u;
    case "more_than":
      return u === "%" || u === "个百分点" || u === "倍" ? number + u + "以上" : number + "余" + u;
    case "less_than":
      return "不到" + number + u;
    default:
      return number + u;
  }
}

// The qualifier as the short word a reader sees in the text ("约", "余", "不到"); "" when exact.
export function qualifierWord(qualifier) {
  return QUALIFIER_WORDS[qualifier] ?? (qualifier || "");
}

const MODALITY = { achieved: "已实现", target: "目标" };
const CHANGE = { increase: "增加", decrease: "减少" };

export function modalityWord(modality) {
  return MODALITY[modality] ?? (modality || "");
}

export function changeWord(change) {
  return CHANGE[change] ?? (change || "");
}

export const TYPE_NAMES = {
  region: "地区",
  agency: "机构",
  program: "项目/行动",
  organization: "组织",
  claim: "数据声明",
  article: "文章",
  metric: "指标",
  group: "指标分组",
  more: "更多",
};

// A metric's key is "name|unit" (so only like units are compared); a reader sees the name.
export function metricName(label) {
  return (label || "").split("|")[0];
}

export function typeName(type) {
  return TYPE_NAMES[type] ?? type ?? "";
}
