"""Developer tooling on top of the apps: the demo data command, the benchmark and the load test.

The top layer: it may import `events`, `production` and the core; nothing imports it.
"""
