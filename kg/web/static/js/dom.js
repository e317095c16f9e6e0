// Building DOM from data without ever parsing data as HTML: every string goes in as a text node.

// el("td", {class: "num", title: t}, "7.88亿元", childNode, ...)
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replace a node's children; like el(), skips null/false and flattens arrays.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// A list of chips, one button per item: `content(item)` gives what the button shows, `onPick(item)` runs on a click.
export function chipList(items, onPick, content) {
  return el(
    "ul",
    { class: "chips" },
    items.map((item) =>
      el("li", {}, el("button", { type: "button", class: "chip", onclick: () => onPick(item) }, content(item))),
    ),
  );
}

export function byId(id) {
  return document.getElementById(id);
}

// Where this server shows an IRI it minted (the base comes from the page, set by the server);
// other http(s) IRIs stay as they are, and any other scheme (javascript:, data:) never becomes a link.
export function localHref(iri) {
  const base = document.body.dataset.iriBase || "";
  if (base && iri.startsWith(base)) return "/" + iri.slice(base.length);
  return /^https?:\/\//i.test(iri) ? iri : "#";
}
