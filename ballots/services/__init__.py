"""Every write to sessions, rounds, cards and ballots, by subject: sessions, rounds, cards, casting.

Views authorize; these enforce the invariants, raise `projects.errors.Refused` with a code when a
rule says no, and take an actor only where they record it in the action log (None: the system).
"""
