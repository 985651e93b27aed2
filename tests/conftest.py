"""Test settings shared by the whole suite."""

from __future__ import annotations

from hypothesis import settings

# Property tests draw the same examples in every run, so CI and a developer see the same results; run
# `pytest --hypothesis-profile=explore` to search with fresh random examples.
settings.register_profile("chainrule", deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.load_profile("chainrule")
