"""Report metadata: title, kind, region, dates, speaker, meeting, source.

``_extract`` applies the rules, ``_dates`` reads dates, numerals and source lines,
``_regions`` knows the administrative divisions.
"""

from ._extract import extract_metadata

__all__ = ["extract_metadata"]
