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

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

// Same-origin path of an IRI served by this app, so links stay on the server the page came from.
export function localHref(iri) {
  try {
    const url = new URL(iri, window.location.href);
    if (url.origin === window.location.origin) return url.pathname + url.search + url.hash;
    return "/resource?iri=" + encodeURIComponent(iri);
  } catch {
    return "#";
  }
}
