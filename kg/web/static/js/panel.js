// The side panel: what the selected node is, where it sits, what can be done with it in the graph,
// and the claims made about it (with a CSV of the table).
import { el, fill, localHref } from "./dom.js";
import { formatValue, metricName, typeName } from "./format.js";
import { claimsTable, evidenceHref } from "./claims.js";
import { csvButton } from "./csv.js";

export function renderLoading(container, label) {
  fill(container, el("p", { class: "loading" }, "正在读取 ", label || "", " …"));
}

export function renderError(container, message) {
  fill(container, el("p", { class: "error" }, message));
}

// node: the /api/graph/node answer (or a group's). actions: onFocus(entity), onProgram(node), onCompare(node),
// onMetric(claim). graphActions: [{label, onClick}] — expand, collapse, hide, show only this type.
export function renderNode(container, node, actions, graphActions = []) {
  const claims = node.claims || [];
  const own = node.type === "claim" ? claims.find((claim) => claim.iri === node.iri) : null;
  const label = node.type === "metric" ? metricName(node.label) : node.label;
  const title = own ? [own.metric, formatValue(own.value, own.unit, own.qualifier)].filter(Boolean).join("：") : label;
  const facts = [];
  if (node.code) facts.push(el("dt", {}, "代码"), el("dd", {}, node.code));
  if (node.aliases && node.aliases.length) facts.push(el("dt", {}, "别名"), el("dd", {}, node.aliases.join("、")));
  if (node.parents && node.parents.length) {
    facts.push(
      el("dt", {}, "上级"),
      el(
        "dd",
        { class: "parents" },
        node.parents.map((parent, index) => [
          index ? " › " : null,
          el("button", { type: "button", class: "linkish", onclick: () => actions.onFocus(parent) }, parent.label),
        ]),
      ),
    );
  }
  const buttons = [];
  if (node.type !== "group") {
    buttons.push(el("a", { href: localHref(node.iri), class: "button", target: "_blank", rel: "noopener" }, "数据页"));
  }
  if (node.type === "program") {
    buttons.push(el("button", { type: "button", onclick: () => actions.onProgram(node) }, "项目视图"));
  }
  if (node.type === "article" && evidenceHref({ article_iri: node.iri })) {
    buttons.push(el("a", { href: evidenceHref({ article_iri: node.iri }), class: "button" }, "阅读原文"));
  }
  if (node.type === "metric") {
    buttons.push(el("button", { type: "button", onclick: () => actions.onCompare(node) }, "各地比较"));
  }
  const graphButtons = graphActions.map((action) =>
    el("button", { type: "button", class: "small graph-action", onclick: action.onClick }, action.label),
  );
  const total = node.claims_total ?? claims.length;
  const table = claimsTable(claims, { columns: node.type === "region" ? [] : ["subject"], onMetric: actions.onMetric });
  fill(
    container,
    el(
      "header",
      { class: "panel-head" },
      el("span", { class: `type-dot type-${node.type}` }),
      el("span", { class: "panel-type" }, typeName(node.type)),
      el("h2", { class: "panel-title" }, title || node.iri),
    ),
    facts.length ? el("dl", { class: "facts" }, facts) : null,
    el("div", { class: "panel-actions" }, buttons),
    graphButtons.length ? el("div", { class: "panel-actions graph-actions", "aria-label": "图中操作" }, graphButtons) : null,
    el(
      "div",
      { class: "table-head" },
      el("h3", {}, total > claims.length ? `数据声明（共 ${total} 条，列出前 ${claims.length} 条）` : `数据声明（${claims.length}）`),
      table.tagName === "TABLE" ? csvButton(`${label || "数据声明"}-数据声明`, table) : null,
    ),
    table,
  );
}
