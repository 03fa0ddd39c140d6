"""Benchmarks behind `uncounted bench`: speed and quality figures recorded in benchmarks/RESULTS.md."""
