"""Helpers for test_code_samples: reading fenced blocks out of content/, and running them."""
