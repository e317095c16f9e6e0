"""The web service: SPARQL endpoint, graph-view API, linked-data pages, browser."""
