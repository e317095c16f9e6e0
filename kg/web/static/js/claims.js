// The claims table shared by the side panel and the program and comparison views.
import { el, localHref } from "./dom.js";
import { changeWord, formatValue, modalityWord, qualifierWord } from "./format.js";
import { periodParts } from "./periods.js";

const CJK = /[\u2018-\u201f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

// OCR text breaks lines and spaces out characters; a reader wants the sentence as printed.
export function tidyText(text) {
  if (!text) return "";
  return text.trim().replace(/\s+/g, (run, offset, whole) => {
    const before = whole[offset - 1] || "";
    const after = whole[offset + run.length] || "";
    return CJK.test(before) || CJK.test(after) ? "" : " ";
  });
}

// The article's reading page (/articles/...), scrolled to the claim's evidence. The fragment names
// the claim by its offsets (claim-START-END) and carries a text directive (#...:~:text=...) so the
// browser finds and highlights the evidence itself, wherever the page puts its anchors.
export function evidenceHref(claim) {
  const article = claim.article_iri ? localHref(claim.article_iri) : "";
  if (!article.startsWith("/article/")) return null;
  const page = "/articles/" + article.slice("/article/".length);
  const anchor = claim.start !== undefined && claim.start !== null ? `claim-${claim.start}-${claim.end}` : "";
  const directive = textDirective(claim.evidence);
  return anchor || directive ? `${page}#${anchor}${directive}` : page;
}

// ":~:text=" directives for the evidence as a page may render it: exactly as printed (line breaks
// kept, as in the article's preformatted text) and with its whitespace collapsed (as in a quote).
// The browser highlights what matches and scrolls to the first.
export function textDirective(evidence) {
  const raw = (evidence || "").trim();
  if (!raw) return "";
  const forms = [...new Set([raw, raw.replace(/\s+/g, " ")])];
  return ":~:" + forms.map((form) => "text=" + encodeURIComponent(form).replace(/-/g, "%2D")).join("&");
}

function valueCell(claim) {
  const text = formatValue(claim.value, claim.unit, claim.qualifier);
  const raw = claim.value === undefined || claim.value === null ? "" : `${claim.value} ${claim.unit || ""}`;
  return el("td", { class: "num", title: raw.trim(), dataset: { csv: text || raw.trim() } }, text || raw);
}

// The period as resolved dates, with the article's wording beside it when that says it differently.
export function periodCell(claim) {
  const { resolved, written } = periodParts(claim);
  const csv = [resolved, written ? `（原文：${written}）` : ""].join("");
  return el(
    "td",
    { class: "period", dataset: { csv: csv || claim.period || "" } },
    resolved ? el("span", { class: "resolved" }, resolved) : null,
    written ? el("span", { class: "written", title: "原文写法" }, resolved ? `原文“${written}”` : written) : null,
  );
}

function natureCell(claim) {
  const words = [modalityWord(claim.modality), changeWord(claim.change)].filter(Boolean);
  return el("td", { class: claim.modality === "target" ? "target" : "achieved" }, words.join("·"));
}

function evidenceCell(claim) {
  const text = tidyText(claim.evidence);
  const href = evidenceHref(claim);
  const headline = tidyText(claim.article || "");
  const link = href
    ? el("a", { href, class: "evidence", title: headline ? "原文：" + headline : "原文" }, text || "原文")
    : el("span", { class: "evidence" }, text);
  return el("td", {}, link, headline ? el("div", { class: "source" }, headline) : null);
}

// columns: which optional columns to show ("subject" in views that mix regions and agencies).
export function claimsTable(claims, { columns = [], onMetric = null } = {}) {
  if (!claims || claims.length === 0) return el("p", { class: "empty" }, "没有数据声明。");
  const withSubject = columns.includes("subject");
  const head = el(
    "tr",
    {},
    withSubject ? el("th", {}, "主体") : null,
    el("th", {}, "指标"),
    el("th", {}, "数值"),
    el("th", {}, "限定"),
    el("th", {}, "时间"),
    el("th", {}, "性质"),
    el("th", {}, "证据"),
  );
  // Claims of one metric sit together, oldest period first, so a reader can follow a series.
  const ordered = [...claims].sort(
    (a, b) =>
      (a.metric || "").localeCompare(b.metric || "", "zh") ||
      (a.period_start || "9").localeCompare(b.period_start || "9") ||
      (a.period || "").localeCompare(b.period || "", "zh") ||
      (a.start ?? 0) - (b.start ?? 0),
  );
  const rows = ordered.map((claim) =>
    el(
      "tr",
      { class: "claim-row", dataset: { claim: claim.iri || "" } },
      withSubject ? el("td", {}, claim.subject || claim.region || claim.agency || "") : null,
      el(
        "td",
        {},
        onMetric && claim.metric
          ? el("button", { type: "button", class: "linkish", title: "比较各地", onclick: () => onMetric(claim) }, claim.metric)
          : claim.metric || "",
      ),
      valueCell(claim),
      el("td", {}, qualifierWord(claim.qualifier)),
      periodCell(claim),
      natureCell(claim),
      evidenceCell(claim),
    ),
  );
  return el("table", { class: "claims" }, el("thead", {}, head), el("tbody", {}, rows));
}
