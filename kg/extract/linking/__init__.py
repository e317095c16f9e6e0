"""Linking claims to the region, body and program they are about.

For each number `claims.py` calls `link(slot, site)`: a generator per slot
proposes candidates from the article (candidates.py), each described by the
named features of one registry (features.py), and a dot product over fitted
weights ranks them (scorer.py; weights in kg/extract/data/linking_weights.json).
`python -m kg.extract.linking.train` fits the weights on annotated gold
(gold.py reads and matches it as the team's scorer does) and prints
leave-one-document-out figures; `python -m kg.extract.linking.evaluate` dumps
every out-of-fold decision with its candidates. Only those two import
scikit-learn.
"""

from kg.extract.linking.candidates import Candidate, Site, site_for
from kg.extract.linking.scorer import choosing, link

__all__ = ["Candidate", "Site", "choosing", "link", "site_for"]
