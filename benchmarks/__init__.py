"""Benchmarks for tracker: a synthetic log generator, goal-by-goal measurements, a report."""
