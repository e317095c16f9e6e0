// One metric across regions: a table and a bar chart per unit (bars of different units never share an axis).
import { el, fill } from "./dom.js";
import { formatNumber, formatValue, metricName, modalityWord, qualifierWord } from "./format.js";
import { evidenceHref, periodCell, tidyText } from "./claims.js";
import { csvButton } from "./csv.js";
import { periodYears } from "./periods.js";

export const LEVEL_NAMES = { province: "省", city: "市州", county: "县市区", town: "乡镇街道", village: "村社区", zone: "园区" };

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Horizontal bars, largest first, each labelled with its region and its value as a reader writes it.
export function barChart(rows, unit) {
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const max = Math.max(...sorted.map((row) => Math.abs(row.value)), 0) || 1;
  const labelWidth = 150;
  const valueWidth = 120;
  const barArea = 430;
  const rowHeight = 26;
  const width = labelWidth + barArea + valueWidth;
  const height = sorted.length * rowHeight + 34;
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "bar-chart",
    role: "img",
    width,
    height,
  });
  svg.append(svgEl("title", {}, `各地比较（单位：${unit || "—"}）`));
  sorted.forEach((row, index) => {
    const y = 8 + index * rowHeight;
    const length = Math.max(2, (Math.abs(row.value) / max) * barArea);
    const label = row.region || "（未知地区）";
    svg.append(
      svgEl("text", { x: labelWidth - 8, y: y + 15, "text-anchor": "end", class: "bar-label" }, label),
    );
    const bar = svgEl("rect", {
      x: labelWidth,
      y,
      width: length.toFixed(1),
      height: rowHeight - 8,
      rx: 2,
      class: row.modality === "target" ? "bar target" : "bar",
    });
    bar.append(svgEl("title", {}, `${label}：${formatValue(row.value, row.unit, row.qualifier)} ${row.period || ""}`));
    svg.append(bar);
    svg.append(
      svgEl(
        "text",
        { x: labelWidth + length + 6, y: y + 15, class: "bar-value" },
        formatValue(row.value, row.unit, row.qualifier),
      ),
    );
  });
  const axisY = 8 + sorted.length * rowHeight + 4;
  svg.append(svgEl("line", { x1: labelWidth, y1: axisY, x2: labelWidth + barArea, y2: axisY, class: "axis" }));
  svg.append(svgEl("text", { x: labelWidth, y: axisY + 16, class: "axis-label" }, "0"));
  svg.append(
    svgEl(
      "text",
      { x: labelWidth + barArea, y: axisY + 16, "text-anchor": "end", class: "axis-label" },
      formatNumber(max, unit) + (unit || ""),
    ),
  );
  return svg;
}

// A comparison row names its claim by IRI; the link lands on the highlighted evidence in the article.
function sourceLink(row) {
  const text = tidyText(row.evidence || row.article || "原文");
  const href = evidenceHref({ ...row, iri: row.claim });
  const headline = row.evidence && row.article ? el("div", { class: "source" }, tidyText(row.article)) : null;
  return [href ? el("a", { href, class: "evidence" }, text) : text, headline];
}

// The year a row speaks of: its resolved period's, else a year its wording names outright ("2024年").
function rowYear(row) {
  const years = periodYears(row);
  if (years) return String(years[0]);
  const written = /((?:19|20)\d\d)年/.exec(row.period || "");
  return written ? written[1] : "none";
}

function mostCommon(values) {
  const counts = new Map();
  for (const value of values) counts.set(value, (counts.get(value) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

// Why a row does not compare like with like: another level than most rows, another year, or a region listed twice.
function flags(rows) {
  const level = mostCommon(rows.map((row) => row.region_level).filter(Boolean));
  const year = mostCommon(rows.map(rowYear));
  const seen = new Map();
  for (const row of rows) seen.set(row.region_iri || row.region, (seen.get(row.region_iri || row.region) || 0) + 1);
  return new Map(
    rows.map((row) => {
      const marks = [];
      if (row.region_level && level && row.region_level !== level) marks.push(`级别不同：${LEVEL_NAMES[row.region_level] || row.region_level}`);
      if (rowYear(row) !== year) marks.push(rowYear(row) === "none" ? "时期未定" : `时期不同：${rowYear(row)}年`);
      if (seen.get(row.region_iri || row.region) > 1) marks.push("同一地区多条");
      return [row, marks];
    }),
  );
}

function compareTable(rows, onRegion) {
  const withModality = rows.some((row) => row.modality);
  const marks = flags(rows);
  const body = rows.map((row) =>
    el(
      "tr",
      { class: marks.get(row).length ? "flagged" : null },
      el(
        "td",
        {},
        row.region_iri
          ? el("button", { type: "button", class: "linkish", onclick: () => onRegion(row) }, row.region || "")
          : row.region || "",
      ),
      el("td", {}, LEVEL_NAMES[row.region_level] || ""),
      el("td", { class: "num", title: `${row.value} ${row.unit || ""}` }, formatValue(row.value, row.unit, row.qualifier)),
      el("td", {}, qualifierWord(row.qualifier)),
      periodCell(row),
      withModality ? el("td", {}, modalityWord(row.modality)) : null,
      el("td", { class: "marks" }, marks.get(row).map((mark) => el("span", { class: "flag" }, mark))),
      el("td", {}, sourceLink(row)),
    ),
  );
  return el(
    "table",
    { class: "claims compare" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", {}, "地区"), el("th", {}, "级别"), el("th", {}, "数值"), el("th", {}, "限定"), el("th", {}, "时间"),
        withModality ? el("th", {}, "性质") : null,
        el("th", {}, "提示"),
        el("th", {}, "来源"),
      ),
    ),
    el("tbody", {}, body),
  );
}

// A select of the rows' levels or years, "" for all.
function choice(id, label, value, options, onChange) {
  const select = el(
    "select",
    { id, onchange: () => onChange(select.value) },
    el("option", { value: "" }, "全部"),
    options.map(([optionValue, text]) => el("option", { value: optionValue }, text)),
  );
  select.value = options.some(([optionValue]) => optionValue === value) ? value : "";
  return el("label", { class: "choice" }, label, " ", select);
}

// answer: the /api/graph/compare rows, with resolved periods and region levels merged in.
// level, year: the filters in force; onFilter({level}|{year}) changes them; onMap() opens the map of the metric.
export function renderComparison(container, answer, { onRegion, level = "", year = "", onFilter = () => {}, onMap = null }) {
  const all = (answer.rows || []).filter((row) => typeof row.value === "number");
  const title = el("h2", {}, "指标比较：", metricName(answer.metric));
  if (all.length === 0) {
    fill(container, title, el("p", { class: "empty" }, "没有找到这个指标的数据。"));
    return;
  }
  const levels = [...new Set(all.map((row) => row.region_level).filter(Boolean))];
  const years = [...new Set(all.map(rowYear))].sort();
  const controls = el(
    "div",
    { class: "compare-filters" },
    choice("compare-level", "级别", level, levels.map((l) => [l, LEVEL_NAMES[l] || l]), (value) => onFilter({ level: value })),
    choice("compare-year", "时期", year, years.map((y) => [y, y === "none" ? "日期未定" : `${y}年`]), (value) => onFilter({ year: value })),
    onMap ? el("button", { type: "button", class: "small", onclick: onMap }, "在地图上看") : null,
  );
  const rows = all.filter((row) => (!level || row.region_level === level) && (!year || rowYear(row) === year));
  if (rows.length === 0) {
    fill(container, title, controls, el("p", { class: "empty" }, "这一级别和时期没有数据。"));
    return;
  }
  const byUnit = new Map();
  for (const row of rows) {
    const unit = row.unit || "";
    if (!byUnit.has(unit)) byUnit.set(unit, []);
    byUnit.get(unit).push(row);
  }
  const charts = [...byUnit.entries()].map(([unit, unitRows]) => {
    const targets = unitRows.filter((row) => row.modality === "target").length;
    const caption = `单位：${unit || "—"}，共 ${unitRows.length} 条` + (targets ? `；浅橙色条为目标值（${targets} 条）` : "");
    return el("figure", { class: "chart" }, barChart(unitRows, unit), el("figcaption", {}, caption));
  });
  const sorted = [...rows].sort((a, b) => (a.unit || "").localeCompare(b.unit || "") || b.value - a.value);
  const table = compareTable(sorted, onRegion);
  const note = rows.length < all.length ? el("p", { class: "hint" }, `已筛选：显示 ${rows.length} 条，共 ${all.length} 条。`) : null;
  fill(container, title, controls, note, ...charts,
    el("div", { class: "table-head" }, el("h3", {}, `各地数值（${rows.length}）`), csvButton(`${metricName(answer.metric)}-各地比较`, table)),
    table);
}
