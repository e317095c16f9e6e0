"""Reading pages: decode, normalise with an offset map, split into articles."""
