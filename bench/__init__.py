"""The benchmark: `python -m bench` (or `scripts/bench`). See README.md, "Benchmark"."""
