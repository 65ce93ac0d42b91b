"""`python -m ballots.verify ROUND.zip [--key HEX] [--receipts FILE]`: the verifier's old address.

The verifier lives in ballots.rules.verify (no Django); the contract names this one.
"""

import sys

from ballots.rules.verify import main, verify

__all__ = ["main", "verify"]

if __name__ == "__main__":
    sys.exit(main())
