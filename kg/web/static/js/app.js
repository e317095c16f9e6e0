// The graph browser page: search, graph, side panel, comparison and program views.
// Where the page is (which node, metric or program) lives in the URL hash, so a view can be shared.
import { api } from "./api.js";
import { byId, chipList, el, fill } from "./dom.js";
import { metricName } from "./format.js";
import { GraphView, legend } from "./graph.js";
import { renderError, renderLoading, renderNode } from "./panel.js";
import { renderComparison } from "./compare.js";
import { renderProgram } from "./programs.js";
import { attachSuggest } from "./suggest.js";

const panel = byId("panel");
const status = byId("graph-status");
const programFilter = byId("filter-program");
const periodFilter = byId("filter-period");

const graph = new GraphView(byId("graph"), {
  onSelect: (data) => selectNode(data),
  onExpand: (data) => expandNode(data),
  onFocus: (data) => go({ node: data.id }),
});
// A handle for the browser console (and the end-to-end tests) to reach the Cytoscape instance.
window.kgBrowser = { cy: graph.cy, graph };

// How many nodes one neighbourhood may bring; the layout and labels stay readable up to a few hundred.
const NEIGHBOURHOOD_LIMIT = 300;

let shownTotal = null;

function say(text) {
  status.textContent = text;
}

function showView(name) {
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== `view-${name}`;
  for (const tab of document.querySelectorAll("[data-view]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  if (name === "graph") graph.cy.resize();
  if (name === "compare") showComparable();
}

function refreshFilterChoices() {
  const keepProgram = programFilter.value;
  const keepPeriod = periodFilter.value;
  fill(
    programFilter,
    el("option", { value: "" }, "全部项目"),
    ...graph.programs().map((program) => el("option", { value: program.id }, program.label)),
  );
  fill(
    periodFilter,
    el("option", { value: "" }, "全部时间"),
    ...graph.periods().map((period) => el("option", { value: period }, period)),
  );
  programFilter.value = [...programFilter.options].some((o) => o.value === keepProgram) ? keepProgram : "";
  periodFilter.value = [...periodFilter.options].some((o) => o.value === keepPeriod) ? keepPeriod : "";
}

function countText() {
  const drawn = graph.cy.nodes().length;
  const visible = graph.visibleCount();
  const parts = [`显示 ${visible} 个节点`];
  if (visible !== drawn) parts.push(`（已筛选，共 ${drawn} 个）`);
  if (shownTotal !== null && shownTotal > drawn) parts.push(`，邻域共 ${shownTotal} 个，只取前 ${drawn} 个`);
  return parts.join("");
}

const panelActions = {
  onFocus: (entity) => go({ node: entity.iri }),
  onProgram: (node) => go({ program: node.iri }),
  onCompare: (node) => go({ compare: node.iri }),
  onMetric: (claim) => go({ compare: claim.metric }),
};

// An article's node lists no claims of its own; its claims are the claim nodes next to it.
async function articleClaims(iri) {
  const hood = await api.neighborhood(iri, 1, NEIGHBOURHOOD_LIMIT);
  const ids = (hood.elements?.nodes || []).filter((n) => n.data.type === "claim").map((n) => n.data.id);
  const rows = await Promise.all(
    ids.map(async (id) => graph.claimInfo.get(id) ?? (await api.node(id)).claims.find((c) => c.iri === id)),
  );
  return rows.filter(Boolean).filter((claim) => claim.article_iri === iri);
}

async function showPanel(iri, label) {
  renderLoading(panel, label);
  try {
    const node = await api.node(iri);
    if (node.type === "article" && (node.claims || []).length === 0) node.claims = await articleClaims(iri);
    graph.learnClaims(node.claims);
    renderNode(panel, node, panelActions);
    refreshFilterChoices();
    graph.applyFilters();
  } catch (error) {
    renderError(panel, error.status === 404 ? `图谱中没有这个节点：${label || iri}` : `读取失败：${error.message}`);
  }
}

async function focusNode(iri) {
  showView("graph");
  graph.loading();
  say("正在读取邻域 …");
  try {
    const answer = await api.neighborhood(iri, 1, NEIGHBOURHOOD_LIMIT);
    shownTotal = answer.total ?? null;
    const panelDone = showPanel(iri);
    await graph.show(answer.elements || {}, iri);
    graph.select(iri);
    refreshFilterChoices();
    say(countText());
    await panelDone;
  } catch (error) {
    say(error.status === 404 ? "图谱中没有这个节点。" : `读取失败：${error.message}`);
  }
}

function selectNode(data) {
  graph.select(data.id);
  showPanel(data.id, data.label);
}

async function expandNode(data) {
  graph.loading();
  say(`正在展开 ${data.label || ""} …`);
  try {
    const answer = await api.neighborhood(data.id, 1, NEIGHBOURHOOD_LIMIT);
    const added = await graph.add(answer.elements || {}, data.id);
    refreshFilterChoices();
    graph.applyFilters();
    say(`${countText()}；展开「${data.label || ""}」新增 ${added} 个`);
  } catch (error) {
    say(`展开失败：${error.message}`);
  }
}

// The metric's own node lists every claim of it in full (modality, evidence, offsets), which the
// comparison rows leave out; a name is first resolved to the metric node it labels.
async function metricClaims(metric) {
  let iri = metric.includes("://") ? metric : null;
  if (!iri) {
    const found = await api.search(metric, 20);
    const named = (result) => result.label === metric || metricName(result.label) === metric;
    iri = (found.results || []).find((result) => result.type === "metric" && named(result))?.iri;
  }
  if (!iri) return new Map();
  const node = await api.node(iri);
  return new Map((node.claims || []).map((claim) => [claim.iri, claim]));
}

async function showStartPoints() {
  const target = byId("start-points");
  if (!target) return; // a node was opened first and the panel shows it
  try {
    const entities = await api.busiestEntities();
    fill(
      target,
      entities.length
        ? chipList(entities, (entity) => go({ node: entity.iri }), (entity) => [
            el("span", { class: `type-dot type-${entity.type}` }),
            " ",
            entity.label,
            el("span", { class: "count" }, `${entity.claims} 条`),
          ])
        : el("p", { class: "empty" }, "图谱中还没有数据声明。"),
    );
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

let comparableShown = false;

async function showComparable() {
  if (comparableShown) return;
  comparableShown = true;
  const target = byId("compare-metrics");
  try {
    const metrics = await api.comparableMetrics();
    fill(
      target,
      metrics.length
        ? chipList(metrics, (metric) => go({ compare: metric.iri }), (metric) => [
            metricName(metric.label),
            el("span", { class: "count" }, `${metric.regions} 地区`),
          ])
        : el("p", { class: "empty" }, "还没有两个以上地区都报告的指标。"),
    );
  } catch (error) {
    comparableShown = false;
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

async function openCompare(metric) {
  showView("compare");
  const target = byId("compare-result");
  fill(target, el("p", { class: "loading" }, "正在比较 …"));
  try {
    const [answer, claims] = await Promise.all([api.compare(metric), metricClaims(metric).catch(() => new Map())]);
    for (const row of answer.rows || []) {
      const claim = claims.get(row.claim);
      if (claim) Object.assign(row, { ...claim, ...row, modality: claim.modality, evidence: claim.evidence });
    }
    byId("compare-metric").value = metricName(answer.metric || metric);
    renderComparison(target, answer, { onRegion: (row) => go({ node: row.region_iri }) });
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

async function openProgram(iri) {
  showView("program");
  const target = byId("program-result");
  fill(target, el("p", { class: "loading" }, "正在读取项目 …"));
  try {
    renderProgram(target, await api.programs(iri), {
      onEntity: (entity) => go({ node: entity.iri }),
      onMetric: panelActions.onMetric,
    });
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

// state: {node} | {compare} | {program} | {view}
function go(state) {
  const [name, value] = Object.entries(state)[0];
  const hash = "#" + new URLSearchParams({ [name]: value }).toString();
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function route() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  if (params.get("node")) focusNode(params.get("node"));
  else if (params.get("compare")) openCompare(params.get("compare"));
  else if (params.get("program")) openProgram(params.get("program"));
  else showView(params.get("view") || "graph");
}

function chosen(result) {
  if (result.type === "metric") go({ compare: result.iri });
  else go({ node: result.iri });
}

attachSuggest(byId("search"), byId("suggestions"), { onChoose: chosen });
attachSuggest(byId("compare-metric"), byId("compare-suggestions"), {
  types: ["metric"],
  onChoose: (result) => go({ compare: result.iri }),
});
attachSuggest(byId("program-search"), byId("program-suggestions"), {
  types: ["program"],
  onChoose: (result) => go({ program: result.iri }),
});

legend(byId("legend"), (hiddenTypes) => {
  graph.setFilters({ hiddenTypes });
  say(countText());
});
programFilter.addEventListener("change", () => {
  graph.setFilters({ program: programFilter.value });
  say(countText());
});
periodFilter.addEventListener("change", () => {
  graph.setFilters({ period: periodFilter.value });
  say(countText());
});
byId("relayout").addEventListener("click", () => graph.layout(true));
for (const tab of document.querySelectorAll("[data-view]")) {
  tab.addEventListener("click", () => go({ view: tab.dataset.view }));
}
window.addEventListener("hashchange", route);
route();
showStartPoints();
