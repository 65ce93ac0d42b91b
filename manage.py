#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# The benchmarks serve a throwaway database with keys of their own (ballots/bench/tools.py,
# bench_env); the command itself signs nothing, so it needs no keys from the caller.
BENCH_COMMANDS = {"bench", "bench_tracking"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] and sys.argv[1] in BENCH_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "bench-only")
        os.environ.setdefault("SIGNING_KEK", "bench-only-key-encryption-key-0123456789")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
