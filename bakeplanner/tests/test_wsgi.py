"""The WSGI module serves the application and freezes what it loaded (docs/performance.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
from bakeplanner.wsgi import application
print(callable(application), gc.get_freeze_count() > 1000, gc.isenabled())
"""


def test_the_application_is_loaded_then_frozen_out_of_the_collectors_sight():
    # In a process of its own: freezing this test run's objects would change nothing here.
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert out.stdout.split() == ["True", "True", "True"]
