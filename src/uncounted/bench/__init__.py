"""Benchmarks behind `uncounted bench ...`: each measures one stage against the targets of its issue."""
