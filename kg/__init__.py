"""A knowledge graph of quantitative policy claims in Chinese local news."""

from kg.compiled import install

COMPILED = install()  # before any extraction module is imported: the build, or the sources (kg/compiled.py)
