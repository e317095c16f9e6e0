// One metric across regions: a table and a bar chart per unit (bars of different units never share an axis).
import { el, fill } from "./dom.js";
import { formatNumber, formatValue, metricName, modalityWord, qualifierWord } from "./format.js";
import { evidenceHref, tidyText } from "./claims.js";

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

function compareTable(rows, onRegion) {
  const withModality = rows.some((row) => row.modality);
  const body = rows.map((row) =>
    el(
      "tr",
      {},
      el(
        "td",
        {},
        row.region_iri
          ? el("button", { type: "button", class: "linkish", onclick: () => onRegion(row) }, row.region || "")
          : row.region || "",
      ),
      el("td", { class: "num", title: `${row.value} ${row.unit || ""}` }, formatValue(row.value, row.unit, row.qualifier)),
      el("td", {}, qualifierWord(row.qualifier)),
      el("td", {}, row.period || ""),
      withModality ? el("td", {}, modalityWord(row.modality)) : null,
      el("td", {}, sourceLink(row)),
    ),
  );
  return el(
    "table",
    { class: "claims compare" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", {}, "地区"), el("th", {}, "数值"), el("th", {}, "限定"), el("th", {}, "时间"),
        withModality ? el("th", {}, "性质") : null,
        el("th", {}, "来源"),
      ),
    ),
    el("tbody", {}, body),
  );
}

export function renderComparison(container, answer, { onRegion }) {
  const rows = (answer.rows || []).filter((row) => typeof row.value === "number");
  const title = el("h2", {}, "指标比较：", metricName(answer.metric));
  if (rows.length === 0) {
    fill(container, title, el("p", { class: "empty" }, "没有找到这个指标的数据。"));
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
  fill(container, title, ...charts, compareTable(sorted, onRegion));
}
