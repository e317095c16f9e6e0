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

// The start page's figures (GET /api/graph/overview), kept by the store at ingest: the metrics that two or
// more regions report (the ones worth comparing) and the regions, agencies and programs with the most claims.
async function comparableMetrics() {
  return (await getJson("/api/graph/overview", { entities: 0 })).metrics;
}

async function busiestEntities() {
  return (await getJson("/api/graph/overview", { metrics: 0 })).entities;
}

export const api = {
  comparableMetrics,
  busiestEntities,
  search: (q, limit = 20) => getJson("/api/graph/search", { q, limit }),
  node: (iri, limit) => getJson("/api/graph/node", { iri, limit }),
  groups: (iri, limit, groups) => getJson("/api/graph/groups", { iri, limit, groups }),
  groupPage: (iri, offset, groups) => getJson("/api/graph/groups/page", { iri, offset, groups }),
  claims: (iri, { key, year, limit } = {}) => getJson("/api/graph/claims", { iri, key, year, limit }),
  boundaries: (code) => getJson("/api/geo/boundaries", { code }),
  neighborhood: (iri, depth = 1, limit = 200) => getJson("/api/graph/neighborhood", { iri, depth, limit }),
  compare: (metric, limit) => getJson("/api/graph/compare", { metric, limit }),
  programs: (iri) => getJson("/api/graph/programs", { iri }),
  conflicts: () => getJson("/api/graph/conflicts/dated", {}),
};
