// The neighbourhood graph: Cytoscape.js with the fcose force layout (both served from npm under /vendor/).
// A tap selects, a double tap expands (or collapses, from the panel); what the reader opened, hid and
// filtered is kept by the page in its URL.
import { el, fill } from "./dom.js";
import { formatValue, metricName, typeName } from "./format.js";
import { inYears, periodParts, periodYears } from "./periods.js";

// One shape and one colour per node type; the legend is drawn from the same table.
export const NODE_TYPES = {
  region: { shape: "hexagon", color: "#2563a8", size: 34 },
  agency: { shape: "round-rectangle", color: "#2f7d4f", size: 30 },
  program: { shape: "diamond", color: "#c2620c", size: 32 },
  organization: { shape: "barrel", color: "#7048b6", size: 28 },
  metric: { shape: "triangle", color: "#0e7f8c", size: 26 },
  claim: { shape: "ellipse", color: "#c23b3b", size: 16 },
  article: { shape: "rectangle", color: "#5b6472", size: 22 },
  group: { shape: "round-octagon", color: "#e6a23c", size: 26 },
};

// Nodes that are not in the store: a group of claims (metric × year) and the "N more" stub of a capped list.
const LEGEND_TYPES = ["region", "agency", "program", "organization", "metric", "group", "claim", "article"];

const FALLBACK = { shape: "ellipse", color: "#888888", size: 20 };

const MAX_FIT_ZOOM = 1.3;

// Edge labels are the local names of the RDF properties; a reader sees them in Chinese.
const RELATION_NAMES = {
  about: "涉及",
  region: "地区",
  agency: "机构",
  program: "项目",
  metric: "指标",
  wasDerivedFrom: "出自",
  containedInPlace: "隶属于",
  areaServed: "服务地区",
  mentions: "提及",
  isPartOf: "属于",
};

function style() {
  const rules = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "font-size": 11,
        "font-family": "system-ui, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif",
        color: "#1f2933",
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-wrap": "ellipsis",
        "text-max-width": "110px",
        "min-zoomed-font-size": 9,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.75,
        "text-background-padding": 1,
        "border-width": 1,
        "border-color": "#ffffff",
      },
    },
    {
      selector: "edge",
      style: {
        width: 1.2,
        "line-color": "#b8c0cc",
        "target-arrow-color": "#b8c0cc",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.7,
        "curve-style": "bezier",
        "font-size": 9,
        color: "#52606d",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
      },
    },
    { selector: "edge.show-label, edge:selected", style: { label: "data(label)" } },
    { selector: "node[type = 'claim']", style: { "font-size": 9, "text-max-width": "120px" } },
    {
      // Hubs (the focus, places and anything with many neighbours) keep their labels at every zoom.
      selector: "node.focus, node[type = 'region'], node[degree >= 20]",
      style: { "min-zoomed-font-size": 0, "font-size": 12, "font-weight": "bold", "text-max-width": "140px" },
    },
    {
      // A body, program or organisation stands for its claims and neighbours (its label carries the
      // count): like a group, its label stays down to about half size.
      selector: "node[type = 'agency'], node[type = 'program'], node[type = 'organization']",
      style: { "min-zoomed-font-size": 6 },
    },
    {
      selector: "node[type = 'group']",
      style: {
        // A group stands for many claims: its label stays down to about half size.
        width: "mapData(count, 1, 50, 22, 54)", height: "mapData(count, 1, 50, 22, 54)", "font-size": 11,
        "text-wrap": "wrap", "text-max-width": "120px", "min-zoomed-font-size": 6,
      },
    },
    {
      selector: "node[type = 'more']",
      style: {
        shape: "round-tag", "background-color": "#eef1f5", "border-color": "#8a94a3", "border-style": "dashed",
        "border-width": 1, width: 26, height: 18, color: "#3e4c59", "font-size": 10, "min-zoomed-font-size": 6,
      },
    },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#111827", "font-weight": "bold" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#f2b705" } },
    { selector: "node.expanded", style: { "border-style": "double", "border-width": 4 } },
    { selector: ".filtered", style: { display: "none" } },
  ];
  for (const [type, look] of Object.entries(NODE_TYPES)) {
    rules.splice(3, 0, {
      selector: `node[type = '${type}']`,
      style: { shape: look.shape, "background-color": look.color, width: look.size, height: look.size },
    });
  }
  return rules;
}

// A small picture of a type's shape for the legend, in SVG drawn with DOM calls.
function legendIcon(type) {
  const look = NODE_TYPES[type] || FALLBACK;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  const points = {
    hexagon: "5,2 15,2 19,10 15,18 5,18 1,10",
    diamond: "10,1 19,10 10,19 1,10",
    triangle: "10,2 19,18 1,18",
  }[look.shape];
  let shape;
  if (points) {
    shape = document.createElementNS(ns, "polygon");
    shape.setAttribute("points", points);
  } else if (look.shape === "ellipse") {
    shape = document.createElementNS(ns, "circle");
    shape.setAttribute("cx", "10");
    shape.setAttribute("cy", "10");
    shape.setAttribute("r", "7");
  } else {
    shape = document.createElementNS(ns, "rect");
    shape.setAttribute("x", "2");
    shape.setAttribute("y", look.shape === "barrel" ? "4" : "3");
    shape.setAttribute("width", "16");
    shape.setAttribute("height", look.shape === "barrel" ? "12" : "14");
    if (look.shape !== "rectangle") shape.setAttribute("rx", "4");
  }
  shape.setAttribute("fill", look.color);
  svg.append(shape);
  return svg;
}

export class GraphView {
  // handlers: onSelect(nodeData) on a tap, onExpand(nodeData) on a double tap (or a tap on an "N more" stub).
  // Selecting never changes the graph; expanding is asked for.
  constructor(container, handlers) {
    this.handlers = handlers;
    this.hiddenTypes = new Set();
    this.hiddenIds = new Set(); // nodes the reader hid one by one
    this.only = ""; // "show only this type" (besides the focus and the groups that lead to it)
    this.program = "";
    this.years = { from: null, to: null, undated: true };
    this.claimInfo = new Map(); // claim IRI -> its row (period and dates, program, evidence, ...)
    this.addedBy = new Map(); // node id -> the node whose expansion brought it
    this.tooltip = document.createElement("div");
    this.tooltip.className = "graph-tooltip";
    this.tooltip.hidden = true;
    container.after(this.tooltip);
    this.cy = window.cytoscape({
      container,
      style: style(),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      // Panning a few hundred labelled nodes moves a cached picture instead of redrawing each label.
      textureOnViewport: true,
    });
    this.cy.on("tap", "node", (event) => {
      const data = event.target.data();
      if (data.type === "more") this.handlers.onExpand(data);
      else this.handlers.onSelect(data);
    });
    this.cy.on("dbltap", "node", (event) => this.handlers.onExpand(event.target.data()));
    this.cy.on("mouseover", "node", (event) => {
      event.target.connectedEdges().addClass("show-label");
      this.showTooltip(event.target);
    });
    this.cy.on("mouseout", "node", (event) => {
      event.target.connectedEdges().removeClass("show-label");
      this.tooltip.hidden = true;
    });
    this.cy.on("viewport", () => {
      this.tooltip.hidden = true;
    });
  }

  // What a node is, in a few lines: a claim's metric, value, period (resolved and as written), subject, source.
  tooltipLines(node) {
    const data = node.data();
    if (data.type === "claim") {
      const claim = this.claimInfo.get(data.id);
      if (!claim) return [data.label];
      const { resolved, written } = periodParts(claim);
      return [
        `${claim.metric || "（未知指标）"}：${formatValue(claim.value, claim.unit, claim.qualifier)}`,
        [resolved, written ? `原文“${written}”` : ""].filter(Boolean).join(" · "),
        [claim.subject || claim.region, claim.agency, claim.program].filter(Boolean).join(" · "),
        claim.article ? `出自：${claim.article}` : "",
      ].filter(Boolean);
    }
    if (data.type === "group") return [`${data.metric} · ${data.yearText}`, `${data.count} 条数据声明；双击展开`];
    if (data.type === "more") return [data.label, "单击再显示一批"];
    const lines = [`${typeName(data.type)}：${data.name || data.label}`];
    if (data.degree !== undefined) lines.push(`相邻节点 ${data.degree} 个；双击展开`);
    return lines;
  }

  showTooltip(node) {
    const lines = this.tooltipLines(node);
    this.tooltip.replaceChildren(...lines.map((line) => el("div", {}, line)));
    const p = node.renderedPosition();
    const box = this.cy.container().getBoundingClientRect();
    const host = this.tooltip.offsetParent?.getBoundingClientRect() || { left: 0, top: 0 };
    this.tooltip.style.left = `${Math.round(box.left - host.left + p.x + 14)}px`;
    this.tooltip.style.top = `${Math.round(box.top - host.top + p.y + 10)}px`;
    this.tooltip.hidden = false;
  }

  // Marks the container while new elements are on their way (the layout marks it "done" when it stops).
  loading() {
    this.cy.container().dataset.layout = "loading";
  }

  clear() {
    this.cy.elements().remove();
    this.addedBy.clear();
  }

  // Replace the whole graph by one node's neighbourhood.
  show(elements, focusId) {
    this.clear();
    this.cy.add(this.prepare(elements));
    this.cy.getElementById(focusId).addClass("focus expanded");
    this.applyFilters();
    return this.layout(true);
  }

  // Add elements next to the node whose expansion brought them; what is already drawn stays put.
  add(elements, aroundId, { relayout = true, by = aroundId } = {}) {
    const around = this.cy.getElementById(aroundId);
    const origin = around.nonempty() ? around.position() : { x: 0, y: 0 };
    const fresh = this.prepare(elements).filter((item) => this.cy.getElementById(item.data.id).empty());
    const added = this.cy.add(
      fresh.map((item) =>
        item.group === "nodes"
          ? { ...item, position: { x: origin.x + Math.random() * 40 - 20, y: origin.y + Math.random() * 40 - 20 } }
          : item,
      ),
    );
    added.nodes().forEach((node) => this.addedBy.set(node.id(), by));
    around.addClass("expanded");
    this.applyFilters();
    if (added.nodes().empty() || !relayout) {
      this.cy.container().dataset.layout = "done";
      return Promise.resolve(added.nodes().length);
    }
    return this.layout(false).then(() => added.nodes().length);
  }

  // Take back what expanding a node brought (and what those brought in turn); the focus always stays.
  collapse(id) {
    const gone = new Set();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [child, parent] of this.addedBy) {
        if (!gone.has(child) && (parent === id || gone.has(parent))) {
          gone.add(child);
          grew = true;
        }
      }
    }
    const removed = this.cy.nodes().filter((node) => gone.has(node.id()) && !node.hasClass("focus"));
    removed.remove();
    for (const child of gone) this.addedBy.delete(child);
    this.cy.getElementById(id).removeClass("expanded spent");
    return removed.length;
  }

  prepare(elements) {
    const nodes = (elements.nodes || []).map((node) => {
      const data = { ...node.data };
      if (data.type === "metric") data.label = metricName(data.label);
      return { group: "nodes", data };
    });
    const known = new Set(nodes.map((node) => node.data.id));
    this.cy.nodes().forEach((node) => known.add(node.id()));
    // Links with the same ends (a claim's region and its subject, say) are drawn as one edge.
    const merged = new Map();
    for (const edge of elements.edges || []) {
      const { source, target, label } = edge.data;
      if (!known.has(source) || !known.has(target)) continue;
      const id = `${source} → ${target}`;
      const labels = merged.get(id)?.data.labels || [];
      const name = RELATION_NAMES[label] || label;
      if (!labels.includes(name)) labels.push(name);
      merged.set(id, { group: "edges", data: { id, source, target, labels, label: labels.join(" · ") } });
    }
    return [...nodes, ...merged.values()];
  }

  layout(fresh) {
    const visible = this.cy.elements().not(".filtered");
    // Crowded neighbourhoods get longer edges and stronger repulsion, so the leaves of a large star
    // spread out instead of piling up round its centre.
    const spread = Math.max(1, Math.sqrt(visible.nodes().length / 20));
    const layout = visible.layout({
      name: "fcose",
      quality: "default", // "draft" skips the force step and piles a star's leaves onto one point
      randomize: fresh,
      animate: !fresh,
      animationDuration: 350,
      fit: true,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: (edge) => (["claim", "more"].includes(edge.target().data("type")) ? 55 : 90) * spread,
      nodeRepulsion: () => 6500 * spread * spread,
      nodeSeparation: 70,
      packComponents: false,
    });
    this.cy.container().dataset.layout = "running";
    const done = layout.promiseOn("layoutstop").then(() => {
      // A handful of nodes fitted to the screen would be drawn huge; keep them at reading size.
      if (this.cy.zoom() > MAX_FIT_ZOOM) {
        this.cy.zoom(MAX_FIT_ZOOM);
        this.cy.center();
      }
      this.cy.container().dataset.layout = "done";
    });
    layout.run();
    return done;
  }

  // Everything the filters and tooltips need to know about a claim, learnt from the claims tables.
  learnClaims(claims) {
    for (const claim of claims || []) {
      if (!claim.iri) continue;
      const known = this.claimInfo.get(claim.iri) || {};
      // A row from an answer without dates never erases dates another answer gave.
      this.claimInfo.set(claim.iri, { ...claim, ...Object.fromEntries(Object.entries(known).filter(([, v]) => v)) });
    }
  }

  claimInPrograms(node) {
    if (!this.program) return true;
    if (node.neighborhood("node").some((other) => other.id() === this.program)) return true;
    const program = this.cy.getElementById(this.program);
    const label = program.data("name") || program.data("label");
    return label !== undefined && this.claimInfo.get(node.id())?.program === label;
  }

  // Years any drawn claim or group speaks of, for the range control.
  yearSpan() {
    const years = [];
    this.cy.nodes("[type = 'claim']").forEach((node) => {
      const span = periodYears(this.claimInfo.get(node.id()));
      if (span) years.push(...span);
    });
    this.cy.nodes("[type = 'group']").forEach((node) => {
      if (node.data("year") !== "none") years.push(Number(node.data("year")));
    });
    return years.length ? [Math.min(...years), Math.max(...years)] : null;
  }

  programs() {
    return this.cy
      .nodes("[type = 'program']")
      .map((node) => ({ id: node.id(), label: node.data("name") || node.data("label") }))
      .sort((a, b) => a.label.localeCompare(b.label, "zh"));
  }

  setFilters({ hiddenTypes, program, years, only, hiddenIds }) {
    if (hiddenTypes) this.hiddenTypes = hiddenTypes;
    if (hiddenIds) this.hiddenIds = hiddenIds;
    if (only !== undefined) this.only = only;
    if (program !== undefined) this.program = program;
    if (years) this.years = { ...this.years, ...years };
    this.applyFilters();
  }

  inYears(node) {
    const { from, to, undated } = this.years;
    if (from === null && to === null) return true;
    if (node.data("type") === "group") {
      const year = node.data("year");
      if (year === "none") return undated;
      return (from === null || Number(year) >= from) && (to === null || Number(year) <= to);
    }
    const claim = this.claimInfo.get(node.id());
    if (claim) return inYears(claim, from, to, undated);
    const year = node.data("year"); // a claim drawn for a group of one carries its group's year
    if (!year || year === "none") return undated;
    return (from === null || Number(year) >= from) && (to === null || Number(year) <= to);
  }

  applyFilters() {
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        const type = node.data("type");
        let hidden = this.hiddenTypes.has(type) || this.hiddenIds.has(node.id()) || node.hasClass("spent");
        if (!hidden && this.only && type !== this.only) {
          // Groups (and the stubs of more groups) stay when claims are asked for: they hold the claims.
          hidden = !(this.only === "claim" && (type === "group" || type === "more"));
        }
        if (!hidden && (type === "claim" || type === "group")) {
          hidden = (type === "claim" && !this.claimInPrograms(node)) || !this.inYears(node);
        }
        node.toggleClass("filtered", hidden && !node.hasClass("focus"));
      });
      // An article whose every claim is filtered out says nothing more in this view.
      this.cy.nodes("[type = 'article']").forEach((node) => {
        const claims = node.neighborhood("node[type = 'claim']");
        if (claims.nonempty() && claims.every((claim) => claim.hasClass("filtered"))) node.addClass("filtered");
      });
    });
  }

  visibleCount() {
    return this.cy.nodes().not(".filtered").length;
  }

  select(id) {
    this.cy.nodes().unselect();
    if (id) this.cy.getElementById(id).select();
  }
}

// The legend's check boxes hide node types; the returned function sets them (from a shared URL).
export function legend(container, onToggle) {
  const hidden = new Set();
  const boxes = new Map();
  const items = LEGEND_TYPES.map((type) => {
    const box = el("input", { type: "checkbox", checked: true, dataset: { type } });
    box.addEventListener("change", () => {
      if (box.checked) hidden.delete(type);
      else hidden.add(type);
      onToggle(new Set(hidden));
    });
    boxes.set(type, box);
    return el("li", {}, el("label", {}, box, legendIcon(type), " ", typeName(type)));
  });
  fill(container, el("ul", { class: "legend" }, items));
  return (types) => {
    hidden.clear();
    for (const [type, box] of boxes) {
      box.checked = !types.has(type);
      if (types.has(type)) hidden.add(type);
    }
  };
}
