"""A knowledge graph of quantitative policy claims in Chinese local news."""
