"""Reachability checks for the three backends, shared by /healthz and `manage.py check_aws`."""

import logging

from django.db import connection

from gallery.storage import dynamodb
from gallery.storage.s3 import bucket

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_s3():
    bucket.ping()


def _check_dynamodb():
    dynamodb.ping()


CHECKS = {"database": _check_database, "s3": _check_s3, "dynamodb": _check_dynamodb}


def check_backends():
    """Return {"database": "ok" | "unavailable", "s3": ..., "dynamodb": ...}. Details go to the log."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            logger.warning("health check of %s failed", name, exc_info=True)
            results[name] = "unavailable"
    return results
