"""Benchmarks of rulelang (issue 6): `python -m benchmarks` or `make bench`; see docs/prestaties.md."""
