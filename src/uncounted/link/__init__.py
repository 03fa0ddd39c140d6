"""Record linkage: the same person across lists and within a list (Splink on DuckDB; Spark for scale)."""

from uncounted.link.captures import DEFAULT_STRATA, capture_histories
from uncounted.link.cluster import ClusterRules
from uncounted.link.evaluate import Quality, linkage_quality
from uncounted.link.run import Linkage, link_records

__all__ = ["DEFAULT_STRATA", "ClusterRules", "Linkage", "Quality", "capture_histories",
           "link_records", "linkage_quality"]
