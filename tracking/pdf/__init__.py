"""Tracking's printed papers: the monthly circular and the half-year summary."""
