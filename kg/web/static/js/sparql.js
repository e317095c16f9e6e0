// The SPARQL page: YASGUI (from npm, served under /vendor/) on this server's /sparql, with example questions.
import { byId, localHref } from "./dom.js";

const Yasgui = window.Yasgui;
const host = byId("yasgui");
const endpoint = new URL(host.dataset.endpoint, window.location.href).href;

// The class and property completers ask a vocabulary service on the internet; keep only the
// ones that work offline (bundled prefixes, variables of the query itself).
const completers = Yasgui.Yasqe.defaults.autocompleters;
completers.splice(0, completers.length, ...completers.filter((name) => name === "prefixes" || name === "variables"));

// Results read best as plain values (no quotes, language tags or datatypes) in cells that wrap; a reader
// can still switch both back in the table's controls (and that choice is kept).
const table = Yasgui.Yasr.defaults.plugins.table;
if (table) table.dynamicConfig = { compact: true, isEllipsed: false, ...table.dynamicConfig };

const yasgui = new Yasgui(host, {
  requestConfig: { endpoint, method: "POST" },
  copyEndpointOnNewTab: false,
  endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
  persistenceId: "kg-sparql",
  tabName: "查询",
});

// This page only ever talks to its own server, whatever an older session left in storage.
const tab = yasgui.getTab();
if (tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);

function runExample(name) {
  const source = byId(`example-${name}`);
  if (!source) return;
  const current = yasgui.getTab();
  current.setEndpoint(endpoint);
  current.setQuery(source.textContent);
  current.getYasqe().query();
}

for (const button of document.querySelectorAll("button.example")) {
  button.addEventListener("click", () => runExample(button.dataset.example));
}
// Result IRIs this server minted open its own page for them (YASR links them to the IRI itself, whose
// base may be a placeholder that answers nowhere); other IRIs stay as they are.
function localLinks(root) {
  for (const link of root.querySelectorAll("a.iri[href]")) {
    const local = localHref(link.getAttribute("href"));
    if (local.startsWith("/") && link.getAttribute("href") !== local) {
      link.setAttribute("href", local);
      link.setAttribute("target", "_self");
    }
  }
}
new MutationObserver(() => localLinks(host)).observe(host, { childList: true, subtree: true });

window.kgSparql = { yasgui };
