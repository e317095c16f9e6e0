"""RDF: vocabulary, mapping of extractions to quads, stores, read-back queries."""
