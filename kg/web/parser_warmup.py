"""Imported by the query workers' forkserver (kg.web.executor), never by the server itself.

pyparsing readies a grammar on its first parse (streamlining rdflib's SPARQL
grammar takes a few hundred milliseconds); done once here, every worker forked
afterwards, a replacement for a killed one included, inherits a ready grammar.
"""

from kg.web.guard import check_query

check_query("ASK {}")
