"""Running `manage.py reconcile` in a test, as an operator would (no minimum age)."""

import io

from django.core.management import call_command


def reconcile(*args):
    """What `reconcile --min-age 0 <args>` printed."""
    out = io.StringIO()
    call_command("reconcile", "--min-age", "0", *args, stdout=out)
    return out.getvalue()
