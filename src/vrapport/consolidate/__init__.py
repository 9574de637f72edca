"""Consolidation: pure functions from validated frames to report sections, one module each."""
