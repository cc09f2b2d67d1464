"""Benchmark-only settings: production settings plus a URL conf with Django's empty response."""

from statuscodes.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
