"""Benchmarks of the matching engine on synthetic data (`make bench`; never run in CI)."""
