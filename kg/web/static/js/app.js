// The graph browser page: search, graph, side panel, and the comparison, program, conflicts and map views.
// The whole view lives in the URL hash (focus, what was opened, filters, the selected node), written with
// pushState as the reader works, so Back undoes a step and a copied link shows the same view.
import { api } from "./api.js";
import { byId, chipList, el, fill } from "./dom.js";
import { formatValue, metricName } from "./format.js";
import { GraphView, legend } from "./graph.js";
import { renderError, renderLoading, renderNode } from "./panel.js";
import { renderComparison } from "./compare.js";
import { renderConflicts } from "./conflicts.js";
import { renderMap } from "./map.js";
import { renderProgram } from "./programs.js";
import { attachSuggest } from "./suggest.js";

const panel = byId("panel");
const status = byId("graph-status");
const programFilter = byId("filter-program");
const onlyFilter = byId("filter-only");
const yearFrom = byId("year-from");
const yearTo = byId("year-to");
const undatedBox = byId("year-undated");

const graph = new GraphView(byId("graph"), {
  onSelect: (data) => update({ sel: data.id }),
  onExpand: (data) => toggleOpen(data.id),
});
// A handle for the browser console (and the end-to-end tests) to reach the Cytoscape instance.
window.kgBrowser = { cy: graph.cy, graph };

// How many nodes one step may bring: claims of an entity drawn one by one up to SMALL, else grouped;
// groups and a group's claims shown a batch at a time behind an "N more" stub.
const NEIGHBOURHOOD_LIMIT = 300;
const SMALL = 30;
const NEIGHBOURS = 40;
const GROUP_BATCH = 20;
const CLAIM_BATCH = 40;
const SEP = "\u001f"; // joins the parts of a synthetic node id (IRIs and metric names never hold it)

let shownTotal = null;

// -- the view state and the URL ---------------------------------------------------------------------

const LIST_KEYS = ["open", "hidden"];

function parseHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state = {};
  for (const [name, value] of params) {
    if (LIST_KEYS.includes(name)) (state[name] ||= []).push(value);
    else state[name] = value;
  }
  state.open ||= [];
  state.hidden ||= [];
  return state;
}

function toHash(state) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) {
    if (Array.isArray(value)) value.forEach((item) => params.append(name, item));
    else if (value !== undefined && value !== null && value !== "") params.set(name, value);
  }
  return "#" + params.toString();
}

let state = parseHash("");
let applied = null; // the state the page shows
let queue = Promise.resolve();

// Record a change in the URL (a new history entry unless `replace`) and show it.
function update(patch, { replace = false } = {}) {
  const next = { ...state, ...patch };
  const hash = toHash(next);
  if (hash !== window.location.hash) {
    if (replace) history.replaceState(null, "", hash);
    else history.pushState(null, "", hash);
  }
  schedule(next);
}

// A new place (search result, link): everything else is reset.
function go(fresh) {
  const blank = Object.fromEntries(Object.keys(state).map((name) => [name, undefined]));
  update({ ...blank, open: [], hidden: [], ...fresh });
}

function schedule(next) {
  state = next;
  queue = queue.then(() => apply(next)).catch((error) => say(`出错了：${error.message}`));
}

function fromLocation() {
  const next = parseHash(window.location.hash);
  if (toHash(next) !== toHash(state) || applied === null) schedule(next);
}

// -- applying a state ----------------------------------------------------------------------------------

function sameList(a, b) {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

async function apply(next) {
  const view = next.compare ? "compare" : next.program ? "program" : next.view || "graph";
  showView(view);
  if (view === "compare" && next.compare) await openCompare(next.compare, next);
  else if (view === "program" && next.program) await openProgram(next.program);
  else if (view === "conflicts") await openConflicts(next);
  else if (view === "map") await openMap(next);
  if (view !== "graph" || !next.node) {
    applied = { ...next };
    return;
  }
  const before = applied && applied.node === next.node && applied.view !== "map" ? applied : null;
  if (!before || !graph.cy.getElementById(next.node).nonempty()) {
    await focusNode(next.node);
    for (const id of next.open) await expand(id);
  } else if (!sameList(before.open, next.open)) {
    const kept = before.open.filter((id) => next.open.includes(id));
    for (const id of [...before.open].reverse()) if (!next.open.includes(id)) graph.collapse(id);
    for (const id of next.open.filter((id) => !kept.includes(id))) await expand(id);
  }
  applyFilters(state); // the latest filters: a change made while this step ran is not undone by it
  // The panel follows the selection, and its buttons (expand or collapse, show all types) what was done.
  const panelStale = !before || before.sel !== next.sel || !sameList(before.open, next.open) || before.only !== next.only;
  if (panelStale) {
    const selected = next.sel || next.node;
    graph.select(selected);
    await showPanel(selected);
  }
  say(countText());
  applied = { ...next };
}

function applyFilters(next) {
  const hide = new Set((next.hide || "").split(",").filter(Boolean));
  setLegend(hide);
  const from = next.from ? Number(next.from) : null;
  const to = next.to ? Number(next.to) : null;
  refreshFilterChoices(next);
  graph.setFilters({
    hiddenTypes: hide,
    hiddenIds: new Set(next.hidden),
    only: next.only || "",
    program: next.prog || "",
    years: { from, to, undated: next.undated !== "0" },
  });
}

// -- the graph ---------------------------------------------------------------------------------------

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

function refreshFilterChoices(next) {
  fill(
    programFilter,
    el("option", { value: "" }, "全部项目"),
    ...graph.programs().map((program) => el("option", { value: program.id }, program.label)),
  );
  programFilter.value = [...programFilter.options].some((o) => o.value === next.prog) ? next.prog : "";
  onlyFilter.value = next.only || "";
  const span = graph.yearSpan();
  for (const input of [yearFrom, yearTo]) {
    input.min = span ? String(span[0]) : "";
    input.max = span ? String(span[1]) : "";
  }
  yearFrom.placeholder = span ? String(span[0]) : "";
  yearTo.placeholder = span ? String(span[1]) : "";
  yearFrom.value = next.from || "";
  yearTo.value = next.to || "";
  undatedBox.checked = next.undated !== "0";
}

function countText() {
  const drawn = graph.cy.nodes().length;
  const visible = graph.visibleCount();
  const parts = [`显示 ${visible} 个节点`];
  if (visible !== drawn) parts.push(`（已筛选，共 ${drawn} 个）`);
  if (shownTotal !== null && shownTotal > drawn) parts.push(`，邻域共 ${shownTotal} 个，只取前 ${drawn} 个`);
  return parts.join("");
}

const iriType = (iri) => (iri.startsWith(document.body.dataset.iriBase || "\u0000") ? iri.slice(document.body.dataset.iriBase.length).split("/")[0] : "");

function claimLabel(claim) {
  return [metricName(claim.metric), formatValue(claim.value, claim.unit, claim.qualifier) || claim.evidence]
    .filter(Boolean)
    .join(" ");
}

function claimNodes(owner, claims, relation) {
  graph.learnClaims(claims);
  return {
    nodes: claims.map((claim) => ({ data: { id: claim.iri, label: claimLabel(claim), type: "claim" } })),
    edges: claims.map((claim) => ({ data: { id: `${owner} ${claim.iri}`, source: owner, target: claim.iri, label: relation } })),
  };
}

function groupId(owner, group) {
  return ["group", owner, group.key, group.year].join(SEP);
}

function groupNode(owner, group, by) {
  const yearText = group.year === "none" ? "日期未定" : `${group.year}年`;
  const name = by === "region" ? group.label : metricName(group.label);
  return {
    data: {
      id: groupId(owner, group), type: "group", owner, key: group.key, year: group.year, count: group.count,
      metric: name, yearText, label: `${name}\n${yearText} · ${group.count} 条`,
    },
  };
}

const RELATIONS = { parent: "containedInPlace", child: "containedInPlace", serves: "areaServed", claims: "声明共现" };

// An entity's neighbourhood: its neighbours with their counts, its claims one by one when few, else grouped.
async function entityElements(iri, limit = NEIGHBOURS) {
  const answer = await api.groups(iri, limit, GROUP_BATCH);
  const nodes = [{ data: { id: iri, label: `${answer.label} · ${answer.degree}`, name: answer.label, type: answer.type, degree: answer.degree } }];
  const edges = [];
  for (const n of answer.neighbours) {
    nodes.push({ data: { id: n.iri, label: `${n.label} · ${n.degree}`, name: n.label, type: n.type, degree: n.degree } });
    const up = n.relation === "parent";
    const [source, target] = up ? [iri, n.iri] : n.relation === "claims" ? [iri, n.iri] : [n.iri, iri];
    const label = n.relation === "claims" ? `${RELATIONS.claims} ${n.shared} 条` : RELATIONS[n.relation];
    edges.push({ data: { id: `${source} ${target}`, source, target, label } });
  }
  if (answer.neighbours_total > answer.neighbours.length) {
    const id = ["more", "neighbours", iri, String(limit * 2)].join(SEP);
    nodes.push({ data: { id, type: "more", label: `还有 ${answer.neighbours_total - answer.neighbours.length} 个相邻节点` } });
    edges.push({ data: { id: `${iri} ${id}`, source: iri, target: id, label: "" } });
  }
  if (answer.claims_total <= SMALL) {
    const claims = (await api.claims(iri, { limit: SMALL })).claims;
    const relation = answer.type === "metric" ? "metric" : answer.type === "region" ? "region" : answer.type;
    const drawn = claimNodes(iri, claims, relation);
    nodes.push(...drawn.nodes);
    edges.push(...drawn.edges);
  } else {
    const batch = await groupBatch(iri, 0, answer);
    nodes.push(...batch.nodes);
    edges.push(...batch.edges);
  }
  return { nodes, edges, total: answer.neighbours_total + answer.claims_total + 1 };
}

// The groups `offset` in: the first batch comes with the entity's answer, the next ones are asked a batch at a
// time, so opening a node with thousands of groups reads only those it draws.
async function groupBatch(owner, offset, first = null) {
  const answer = first ?? (await api.groupPage(owner, offset, GROUP_BATCH));
  const batch = answer.groups.slice(0, GROUP_BATCH);
  // A group of one is drawn as its claim (metric and quantity as written; the rest when it is selected).
  const nodes = batch.map((group) =>
    group.claim
      ? { data: { id: group.claim, type: "claim", year: group.year, label: [metricName(group.label), group.quantity].filter(Boolean).join(" ") } }
      : groupNode(owner, group, answer.group_by),
  );
  const edges = nodes.map((node) => ({ data: { id: `${owner} ${node.data.id}`, source: owner, target: node.data.id, label: "指标" } }));
  const rest = answer.groups_total - offset - batch.length;
  if (rest > 0) {
    const id = ["more", "groups", owner, String(offset + GROUP_BATCH)].join(SEP);
    nodes.push({ data: { id, type: "more", label: `还有 ${rest} 组` } });
    edges.push({ data: { id: `${owner} ${id}`, source: owner, target: id, label: "" } });
  }
  return { nodes, edges };
}

async function groupClaims(id, limit) {
  const node = graph.cy.getElementById(id);
  const [, owner, key, year] = id.split(SEP);
  const answer = await api.claims(owner, { key, year, limit });
  const drawn = claimNodes(id, answer.claims, "");
  if (answer.capped) {
    const more = ["more", "claims", id, String(limit + CLAIM_BATCH)].join(SEP);
    drawn.nodes.push({ data: { id: more, type: "more", label: `还有 ${answer.total - answer.claims.length} 条` } });
    drawn.edges.push({ data: { id: `${id} ${more}`, source: id, target: more, label: "" } });
  }
  return { drawn, node };
}

async function focusNode(iri) {
  showView("graph");
  graph.loading();
  say("正在读取邻域 …");
  try {
    const type = iriType(iri);
    if (["claim", "article"].includes(type)) {
      const answer = await api.neighborhood(iri, 1, NEIGHBOURHOOD_LIMIT);
      shownTotal = answer.total ?? null;
      await graph.show(answer.elements || {}, iri);
    } else {
      const elements = await entityElements(iri);
      shownTotal = null;
      await graph.show(elements, iri);
    }
  } catch (error) {
    say(error.status === 404 ? "图谱中没有这个节点。" : `读取失败：${error.message}`);
  }
}

// Expand one node by its id: a group's claims, the next batch behind an "N more" stub, an entity's
// neighbourhood, or a claim's or article's links.
async function expand(id) {
  const node = graph.cy.getElementById(id);
  if (node.empty()) return;
  graph.loading();
  const data = node.data();
  say(`正在展开 ${data.name || data.label || ""} …`);
  try {
    let added = 0;
    if (data.type === "group") {
      added = await graph.add((await groupClaims(id, CLAIM_BATCH)).drawn, id);
    } else if (data.type === "more") {
      const [, kind, owner, next] = id.split(SEP);
      let elements;
      if (kind === "groups") elements = await groupBatch(owner, Number(next));
      else if (kind === "claims") elements = (await groupClaims(owner, Number(next))).drawn;
      else elements = await entityElements(owner, Number(next));
      // The batch hangs off the stub's owner, but belongs to the stub (collapsing the stub takes it back);
      // the stub itself gives way to it.
      graph.cy.getElementById(id).addClass("spent");
      added = await graph.add(elements, owner, { by: id });
    } else if (["claim", "article"].includes(data.type)) {
      const answer = await api.neighborhood(id, 1, NEIGHBOURHOOD_LIMIT);
      added = await graph.add(answer.elements || {}, id);
    } else {
      added = await graph.add(await entityElements(id), id);
    }
    say(`${countText()}；展开「${data.name || data.label || ""}」新增 ${added} 个`);
  } catch (error) {
    say(`展开失败：${error.message}`);
  }
}

function toggleOpen(id) {
  const open = state.open.includes(id) ? state.open.filter((other) => other !== id) : [...state.open, id];
  update({ open });
}

// -- the side panel ------------------------------------------------------------------------------------

// An article's node lists no claims of its own; its claims are the claim nodes next to it.
async function articleClaims(iri) {
  const hood = await api.neighborhood(iri, 1, NEIGHBOURHOOD_LIMIT);
  const ids = (hood.elements?.nodes || []).filter((n) => n.data.type === "claim").map((n) => n.data.id);
  const rows = await Promise.all(
    ids.map(async (id) => graph.claimInfo.get(id) ?? (await api.node(id)).claims.find((c) => c.iri === id)),
  );
  return rows.filter(Boolean).filter((claim) => claim.article_iri === iri);
}

function graphActions(id, data) {
  const isFocus = id === state.node;
  const actions = [];
  if (data.type !== "more") {
    const open = state.open.includes(id) || (isFocus && data.type !== "group");
    if (!isFocus) actions.push({ label: open ? "收起" : "展开", onClick: () => toggleOpen(id) });
    if (!isFocus && data.type !== "group") actions.push({ label: "以此为中心", onClick: () => go({ node: id }) });
    if (!isFocus) actions.push({ label: "隐藏", onClick: () => update({ hidden: [...state.hidden, id], sel: "" }) });
    actions.push(
      state.only === data.type
        ? { label: "显示全部类型", onClick: () => update({ only: "" }) }
        : { label: "只看此类型", onClick: () => update({ only: data.type }) },
    );
  }
  return actions;
}

async function showPanel(id) {
  const node = graph.cy.getElementById(id);
  const data = node.nonempty() ? node.data() : { id, type: iriType(id) };
  renderLoading(panel, data.name || data.label);
  try {
    let answer;
    if (data.type === "group") {
      const claims = await api.claims(data.owner, { key: data.key, year: data.year, limit: 500 });
      graph.learnClaims(claims.claims);
      const owner = graph.cy.getElementById(data.owner).data("name") || "";
      answer = {
        iri: id, type: "group", label: `${owner} · ${data.metric} · ${data.yearText}`,
        claims: claims.claims, claims_total: claims.total, claims_capped: claims.capped,
      };
    } else if (["claim", "article"].includes(data.type)) {
      answer = await api.node(id);
      if (answer.type === "article" && (answer.claims || []).length === 0) answer.claims = await articleClaims(id);
    } else {
      const [head, claims] = await Promise.all([api.node(id, 1), api.claims(id, { limit: 500 })]);
      answer = { ...head, claims: claims.claims, claims_total: claims.total, claims_capped: claims.capped };
    }
    graph.learnClaims(answer.claims);
    renderNode(panel, answer, panelActions, graphActions(id, data));
    graph.applyFilters();
  } catch (error) {
    renderError(panel, error.status === 404 ? `图谱中没有这个节点：${data.label || id}` : `读取失败：${error.message}`);
  }
}

const panelActions = {
  onFocus: (entity) => go({ node: entity.iri }),
  onProgram: (node) => go({ program: node.iri }),
  onCompare: (node) => go({ compare: node.iri }),
  onMetric: (claim) => go({ compare: claim.metric }),
};

// -- the other views -----------------------------------------------------------------------------------

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

let comparable = null;

function comparableMetrics() {
  comparable ||= api.comparableMetrics().catch((error) => {
    comparable = null;
    throw error;
  });
  return comparable;
}

async function showComparable() {
  const target = byId("compare-metrics");
  if (target.dataset.shown) return;
  target.dataset.shown = "yes";
  try {
    const metrics = await comparableMetrics();
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
    delete target.dataset.shown;
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

const COMPARE_ROWS = 500; // rows of a comparison (the API's default)

// A metric named by text is first resolved to the metric node it labels.
async function metricIri(metric) {
  if (metric.includes("://")) return metric;
  const found = await api.search(metric, 20);
  const named = (result) => result.label === metric || metricName(result.label) === metric;
  return (found.results || []).find((result) => result.type === "metric" && named(result))?.iri || null;
}

// The metric's claims with resolved periods and region levels, which the comparison rows lack: the same first
// COMPARE_ROWS claims by IRI as /api/graph/compare returns, so no row is read that the page does not show.
async function metricClaims(metric) {
  const iri = await metricIri(metric);
  if (!iri) return new Map();
  const answer = await api.claims(iri, { limit: COMPARE_ROWS });
  return new Map(answer.claims.map((claim) => [claim.iri, claim]));
}

async function openCompare(metric, next) {
  const target = byId("compare-result");
  fill(target, el("p", { class: "loading" }, "正在比较 …"));
  try {
    const [answer, claims] = await Promise.all([
      api.compare(metric, COMPARE_ROWS),
      metricClaims(metric).catch(() => new Map()),
    ]);
    for (const row of answer.rows || []) {
      const claim = claims.get(row.claim);
      if (claim) Object.assign(row, { ...claim, ...row, modality: claim.modality, evidence: claim.evidence });
    }
    byId("compare-metric").value = metricName(answer.metric || metric);
    renderComparison(target, answer, {
      onRegion: (row) => go({ node: row.region_iri }),
      level: next.level || "",
      year: next.year || "",
      onFilter: (patch) => update(patch, { replace: true }),
      onMap: () => go({ view: "map", map: metric }),
    });
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

async function openProgram(iri) {
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

async function openConflicts(next) {
  const target = byId("conflicts-result");
  fill(target, el("p", { class: "loading" }, "正在查找互相矛盾的数据 …"));
  try {
    renderConflicts(target, await api.conflicts(), {
      filter: next.q || "",
      onFilter: (q) => update({ q }, { replace: true }),
    });
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

async function openMap(next) {
  const target = byId("map-result");
  try {
    const metrics = await comparableMetrics();
    const metric = next.map || metrics[0]?.iri || "";
    const iri = metric ? await metricIri(metric) : null;
    const claims = iri ? (await api.claims(iri, { limit: 2000 })).claims : [];
    await renderMap(target, {
      metrics, metric: iri, claims, area: next.area || "", year: next.year || "",
      onChange: (patch) => update(patch),
      onRegion: (regionIri) => go({ node: regionIri }),
    });
  } catch (error) {
    fill(target, el("p", { class: "error" }, `读取失败：${error.message}`));
  }
}

// -- wiring --------------------------------------------------------------------------------------------

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

const setLegend = legend(byId("legend"), (hiddenTypes) => update({ hide: [...hiddenTypes].join(",") }, { replace: true }));
programFilter.addEventListener("change", () => update({ prog: programFilter.value }, { replace: true }));
onlyFilter.addEventListener("change", () => update({ only: onlyFilter.value }));
for (const input of [yearFrom, yearTo]) {
  input.addEventListener("change", () => update({ from: yearFrom.value, to: yearTo.value }, { replace: true }));
}
undatedBox.addEventListener("change", () => update({ undated: undatedBox.checked ? "" : "0" }, { replace: true }));
byId("show-hidden").addEventListener("click", () => update({ hidden: [], only: "", hide: "" }));
byId("relayout").addEventListener("click", () => graph.layout(true));
for (const tab of document.querySelectorAll("[data-view]")) {
  tab.addEventListener("click", () => go({ view: tab.dataset.view }));
}
window.addEventListener("popstate", fromLocation);
window.addEventListener("hashchange", fromLocation);
fromLocation();
showStartPoints();
