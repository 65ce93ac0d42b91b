"""Tracking's rules in plain Python: no Django, imports inside the package only relative.

The warning colours (三色督办) of tracking.md live here so that they can be read, tested and checked
against the contract on their own; the Django layer gathers the facts and puts the reasons in words.
"""
