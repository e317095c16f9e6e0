// The fact-checker's view: figures on the same subject, metric and period that disagree, each side with
// its value, its wording of the period and its evidence in the article it came from.
import { el, fill } from "./dom.js";
import { formatValue, metricName } from "./format.js";
import { evidenceHref, periodCell, tidyText } from "./claims.js";
import { csvButton } from "./csv.js";

function side(claim) {
  const href = evidenceHref(claim);
  const quote = tidyText(claim.evidence) || "原文";
  return el(
    "tr",
    { class: "claim-row", dataset: { claim: claim.iri } },
    el("td", { class: "num", dataset: { csv: formatValue(claim.value, claim.unit, claim.qualifier) } },
      formatValue(claim.value, claim.unit, claim.qualifier)),
    periodCell(claim),
    el("td", {}, href ? el("a", { href, class: "evidence" }, quote) : quote),
    el("td", {}, tidyText(claim.article || "")),
    el("td", { class: "doc" }, claim.doc || ""),
  );
}

function groupCard(group) {
  const values = new Set(group.claims.map((claim) => `${claim.value} ${claim.unit || ""}`));
  const head = el("tr", {}, ["数值", "时间", "证据", "文章", "版面文件"].map((name) => el("th", {}, name)));
  return el(
    "section",
    { class: "conflict" },
    el(
      "h3",
      {},
      group.subject, " · ", metricName(group.metric), " · ", group.period,
      el("span", { class: "count" }, `${values.size} 个不同数值，${group.claims.length} 条来源`),
    ),
    el("table", { class: "claims" }, el("thead", {}, head), el("tbody", {}, group.claims.map(side))),
  );
}

function csvRows(groups) {
  const rows = [["主体", "指标", "时间", "数值", "数值（原始）", "单位", "证据", "文章", "版面文件", "声明 IRI"]];
  for (const group of groups) {
    for (const claim of group.claims) {
      rows.push([group.subject, metricName(group.metric), group.period, formatValue(claim.value, claim.unit, claim.qualifier),
        claim.value, claim.unit || "", tidyText(claim.evidence), tidyText(claim.article || ""), claim.doc || "", claim.iri]);
    }
  }
  return rows;
}

// answer: the /api/graph/conflicts answer. filter: text that a group's subject or metric must contain.
export function renderConflicts(container, answer, { filter = "", onFilter }) {
  const all = answer.conflicts || [];
  const needle = filter.trim();
  const groups = all.filter((g) => !needle || `${g.subject} ${metricName(g.metric)} ${g.period}`.includes(needle));
  const input = el("input", { type: "search", id: "conflicts-filter", value: filter, placeholder: "按地区、指标或时间筛选" });
  input.addEventListener("change", () => onFilter(input.value));
  fill(
    container,
    el("h2", {}, "数据冲突核查"),
    el("p", { class: "hint" }, "同一主体、同一指标、同一时期（同一单位）在不同报道中的数值不一致。每条都链接到原文中的证据。"),
    el(
      "div",
      { class: "table-head" },
      el("label", { class: "choice" }, "筛选 ", input),
      el("span", { class: "status" }, `共 ${all.length} 组${answer.capped ? "（只列前 100 组）" : ""}，显示 ${groups.length} 组`),
      groups.length ? csvButton("数据冲突", () => csvRows(groups)) : null,
    ),
    groups.length ? groups.map(groupCard) : el("p", { class: "empty" }, all.length ? "没有符合筛选的冲突。" : "没有发现互相矛盾的数据。"),
  );
}
