"""`python -m ballots.bench.commands JSON`: management commands run one after another in one
process, each timed on its own.

JSON is a list of commands, each a list of words (`[["migrate", "-v0"], ["close_round", "R"]]`).
After each command's output comes a line `seconds: S`, the command's own time: without the
start-up of Python and Django that a `manage.py` child spends on every command (about a second,
whatever the work), loading the command or connecting to the database. So preparing a bench
takes one start-up, and a round's close is timed alone.
"""

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command, get_commands, load_command_class
    from django.db import connection

    django.setup()
    for name, *args in json.loads(sys.argv[1]):
        # Loaded and connected before the clock starts: the time is the command's own work.
        command = load_command_class(get_commands()[name], name)
        connection.ensure_connection()
        started = time.monotonic()
        call_command(command, *args)
        print(f"seconds: {time.monotonic() - started:.3f}", flush=True)


if __name__ == "__main__":
    main()
