// The SPARQL page: YASGUI (from npm, served under /vendor/) on this server's /sparql, with example questions.
import { byId } from "./dom.js";

const Yasgui = window.Yasgui;
const host = byId("yasgui");
const endpoint = new URL(host.dataset.endpoint, window.location.href).href;

// The class and property completers ask a vocabulary service on the internet; keep only the
// ones that work offline (bundled prefixes, variables of the query itself).
const completers = Yasgui.Yasqe.defaults.autocompleters;
completers.splice(0, completers.length, ...completers.filter((name) => name === "prefixes" || name === "variables"));

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
window.kgSparql = { yasgui };
