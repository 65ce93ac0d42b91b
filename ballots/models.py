"""Sessions, rounds and ballots arrive with the voting work (issue 4)."""
