// The graph API (docs/graph-api.md): every call is a GET with its parameters as a query string.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function getJson(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const response = await fetch(path + "?" + query.toString(), { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = await response.json();
      message = body.error || body.message || message;
    } catch {
      // the body was not JSON; the status line says enough
    }
    throw new ApiError(response.status, message);
  }
  return response.json();
}

// Metrics that two or more regions report: the ones worth comparing. A fixed query, no user input.
const COMPARABLE_METRICS = `PREFIX kg: <https://kg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?metric ?label (COUNT(DISTINCT ?region) AS ?regions) (COUNT(?claim) AS ?claims)
WHERE { ?claim a kg:Claim ; kg:metric ?metric ; kg:region ?region . ?metric skos:prefLabel ?label }
GROUP BY ?metric ?label HAVING (COUNT(DISTINCT ?region) > 1)
ORDER BY DESC(?regions) DESC(?claims) ?label LIMIT 60`;

// The regions, agencies and programs with the most claims: places to start browsing.
const BUSIEST_ENTITIES = `PREFIX kg: <https://kg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?label ?class (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  VALUES (?link ?class) { (kg:region kg:Region) (kg:agency kg:Agency) (kg:program kg:Program) }
  ?claim a kg:Claim ; ?link ?entity . ?entity skos:prefLabel ?label .
}
GROUP BY ?entity ?label ?class
ORDER BY DESC(?claims) ?label LIMIT 15`;

async function select(query) {
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { Accept: "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query }),
  });
  if (!response.ok) throw new ApiError(response.status, response.statusText);
  const answer = await response.json();
  return answer.results.bindings;
}

async function comparableMetrics() {
  return (await select(COMPARABLE_METRICS)).map((row) => ({
    iri: row.metric.value,
    label: row.label.value,
    regions: Number(row.regions.value),
    claims: Number(row.claims.value),
  }));
}

async function busiestEntities() {
  return (await select(BUSIEST_ENTITIES)).map((row) => ({
    iri: row.entity.value,
    label: row.label.value,
    type: row.class.value.split("#").pop().toLowerCase(),
    claims: Number(row.claims.value),
  }));
}

export const api = {
  comparableMetrics,
  busiestEntities,
  search: (q, limit = 20) => getJson("/api/graph/search", { q, limit }),
  node: (iri, limit) => getJson("/api/graph/node", { iri, limit }),
  groups: (iri, limit, groups) => getJson("/api/graph/groups", { iri, limit, groups }),
  claims: (iri, { key, year, limit } = {}) => getJson("/api/graph/claims", { iri, key, year, limit }),
  boundaries: (code) => getJson("/api/geo/boundaries", { code }),
  neighborhood: (iri, depth = 1, limit = 200) => getJson("/api/graph/neighborhood", { iri, depth, limit }),
  compare: (metric) => getJson("/api/graph/compare", { metric }),
  programs: (iri) => getJson("/api/graph/programs", { iri }),
  conflicts: () => getJson("/api/graph/conflicts/dated", {}),
};
