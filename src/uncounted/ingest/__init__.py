"""Ingest: victim lists (CSV, XLSX, Parquet) into canonical records, validated, with quarantine and fixity.

`ingest_file` is the one entry point; the modules beside it each do one job (read, decode, map, validate,
quarantine, keep the original) and can be used on their own.
"""

from uncounted.ingest.importer import ImportResult, ingest_file

__all__ = ["ImportResult", "ingest_file"]
