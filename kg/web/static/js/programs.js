// The program view: which regions and agencies claim a program, and what each of them claims.
import { chipList, el, fill } from "./dom.js";
import { claimsTable } from "./claims.js";
import { csvButton, tableRows } from "./csv.js";

const csvOf = (table) => (table.tagName === "TABLE" ? tableRows(table) : []);

function chips(entities, onEntity) {
  if (!entities || entities.length === 0) return el("p", { class: "empty" }, "—");
  return chipList(entities, onEntity, (entity) => [
    entity.label || entity.iri,
    entity.count ? el("span", { class: "count" }, String(entity.count)) : null,
  ]);
}

// answer: the /api/graph/programs answer. actions: onEntity({iri,label}), onMetric(claim).
export function renderProgram(container, answer, actions) {
  const program = answer.program || {};
  const label = typeof program === "string" ? program : program.label || program.iri || "";
  const claims = answer.claims || [];
  const table = claimsTable(claims, { columns: ["subject"], onMetric: actions.onMetric });
  fill(
    container,
    el("h2", {}, "项目：", label),
    el(
      "div",
      { class: "program-who" },
      el("section", {}, el("h3", {}, `地区（${(answer.regions || []).length}）`), chips(answer.regions, actions.onEntity)),
      el("section", {}, el("h3", {}, `机构（${(answer.agencies || []).length}）`), chips(answer.agencies, actions.onEntity)),
    ),
    el("div", { class: "table-head" }, el("h3", {}, `数据声明（${claims.length}）`), csvButton(`${label}-数据声明`, () => csvOf(table))),
    table,
  );
}
