"""Benchmarks for clinic: `make bench` (= `python -m bench`). Prints tables; asserts nothing.

Never part of the test run (this package lives outside tests/). See docs/PERFORMANCE.md for the
latest figures and how to read them.
"""
