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

export const api = {
  search: (q, limit = 20) => getJson("/api/graph/search", { q, limit }),
  node: (iri) => getJson("/api/graph/node", { iri }),
  neighborhood: (iri, depth = 1, limit = 200) => getJson("/api/graph/neighborhood", { iri, depth, limit }),
  compare: (metric) => getJson("/api/graph/compare", { metric }),
  programs: (iri) => getJson("/api/graph/programs", { iri }),
  conflicts: () => getJson("/api/graph/conflicts", {}),
};
