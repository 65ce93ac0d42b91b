"""The vote's rules and the audit format (minsheng-audit/1), in plain Python: no Django.

The canonical JSON, the ballot records, the tally and the verifier live here so that a scrutineer
can install exactly these files (`pip install ./ballots/rules`, as the package `minsheng_audit`)
and check a bundle without the product. Imports inside the package are relative for that reason.
"""
