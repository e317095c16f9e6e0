// The neighbourhood graph: Cytoscape.js with the fcose force layout (both served from npm under /vendor/).
import { el, fill } from "./dom.js";
import { metricName, typeName } from "./format.js";

// One shape and one colour per node type; the legend is drawn from the same table.
export const NODE_TYPES = {
  region: { shape: "hexagon", color: "#2563a8", size: 34 },
  agency: { shape: "round-rectangle", color: "#2f7d4f", size: 30 },
  program: { shape: "diamond", color: "#c2620c", size: 32 },
  organization: { shape: "barrel", color: "#7048b6", size: 28 },
  metric: { shape: "triangle", color: "#0e7f8c", size: 26 },
  claim: { shape: "ellipse", color: "#c23b3b", size: 16 },
  article: { shape: "rectangle", color: "#5b6472", size: 22 },
};

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
        "min-zoomed-font-size": 7,
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
    { selector: "node[type = 'claim']", style: { "font-size": 9, "text-max-width": "90px" } },
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
  // handlers: onSelect(nodeData), onFocus(nodeData), onExpand(nodeData) — called on tap, double tap.
  constructor(container, handlers) {
    this.handlers = handlers;
    this.hiddenTypes = new Set();
    this.program = "";
    this.period = "";
    this.claimInfo = new Map(); // claim IRI -> its row from the claims tables (period, program, ...)
    this.cy = window.cytoscape({
      container,
      style: style(),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      // Panning a few hundred labelled nodes moves a cached picture instead of redrawing each label.
      textureOnViewport: true,
    });
    let pending = null;
    this.cy.on("tap", "node", (event) => {
      const node = event.target;
      clearTimeout(pending);
      this.handlers.onSelect(node.data());
      pending = setTimeout(() => this.handlers.onExpand(node.data()), 280);
    });
    this.cy.on("dbltap", "node", (event) => {
      clearTimeout(pending);
      this.handlers.onFocus(event.target.data());
    });
    this.cy.on("mouseover", "node", (event) => event.target.connectedEdges().addClass("show-label"));
    this.cy.on("mouseout", "node", (event) => event.target.connectedEdges().removeClass("show-label"));
  }

  // Marks the container while new elements are on their way (the layout marks it "done" when it stops).
  loading() {
    this.cy.container().dataset.layout = "loading";
  }

  // Replace the whole graph by one node's neighbourhood.
  show(elements, focusId) {
    this.cy.elements().remove();
    this.cy.add(this.prepare(elements));
    this.cy.getElementById(focusId).addClass("focus expanded");
    this.applyFilters();
    return this.layout(true);
  }

  // Add a neighbourhood next to the node it belongs to; what is already drawn stays put.
  add(elements, aroundId) {
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
    around.addClass("expanded");
    this.applyFilters();
    if (added.nodes().empty()) {
      this.cy.container().dataset.layout = "done";
      return Promise.resolve(0);
    }
    return this.layout(false).then(() => added.nodes().length);
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
    // Crowded neighbourhoods (a county with hundreds of claims) get longer edges and stronger
    // repulsion, so the leaves of a large star spread out instead of piling up round its centre.
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
      idealEdgeLength: (edge) => (edge.target().data("type") === "claim" ? 55 : 90) * spread,
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

  // Everything the filters need to know about a claim, learnt from the claims tables.
  learnClaims(claims) {
    for (const claim of claims || []) {
      if (claim.iri) this.claimInfo.set(claim.iri, claim);
    }
  }

  claimPeriod(node) {
    return this.claimInfo.get(node.id())?.period ?? null;
  }

  claimInPrograms(node) {
    if (!this.program) return true;
    if (node.neighborhood("node").some((other) => other.id() === this.program)) return true;
    const label = this.cy.getElementById(this.program).data("label");
    return label !== undefined && this.claimInfo.get(node.id())?.program === label;
  }

  periods() {
    const seen = new Set();
    this.cy.nodes("[type = 'claim']").forEach((node) => {
      const period = this.claimPeriod(node);
      if (period) seen.add(period);
    });
    return [...seen].sort();
  }

  programs() {
    return this.cy
      .nodes("[type = 'program']")
      .map((node) => ({ id: node.id(), label: node.data("label") }))
      .sort((a, b) => a.label.localeCompare(b.label, "zh"));
  }

  setFilters({ hiddenTypes, program, period }) {
    if (hiddenTypes) this.hiddenTypes = hiddenTypes;
    if (program !== undefined) this.program = program;
    if (period !== undefined) this.period = period;
    this.applyFilters();
  }

  applyFilters() {
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        const type = node.data("type");
        let hidden = this.hiddenTypes.has(type);
        if (!hidden && type === "claim") {
          hidden = !this.claimInPrograms(node) || (this.period !== "" && this.claimPeriod(node) !== this.period);
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
    this.cy.getElementById(id).select();
  }
}

export function legend(container, onToggle) {
  const hidden = new Set();
  const items = Object.keys(NODE_TYPES).map((type) => {
    const box = el("input", { type: "checkbox", checked: true, dataset: { type } });
    box.addEventListener("change", () => {
      if (box.checked) hidden.delete(type);
      else hidden.add(type);
      onToggle(new Set(hidden));
    });
    return el("li", {}, el("label", {}, box, legendIcon(type), " ", typeName(type)));
  });
  fill(container, el("ul", { class: "legend" }, items));
}
