"""Production settings, but with the static files collected into the bench's own scratch folder
($BENCH_STATIC_ROOT), so a bench run never writes into the checkout's var/."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
