"""Extraction: entities (regions, agencies, programs), numbers and claims."""
