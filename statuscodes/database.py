"""The database as a dependency: is it ready to serve pages, and the limits requests run under."""

from django.db import DatabaseError, connection

from statuscodes.models import Revision, StatusCode


def readiness_problem() -> str | None:
    """Why pages cannot be served right now, or None when they can.

    Reads what every page needs: the revision row (every cached page reads it) and at least
    one code. A missing table, an empty or garbage file, a lock held elsewhere or a database
    that does not answer all show up here, within the database timeouts of settings.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {connection.ops.quote_name(Revision._meta.db_table)} WHERE id = 1")
            if cursor.fetchone() is None:
                return "no content revision: run manage.py prepare_database"
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(StatusCode._meta.db_table)} LIMIT 1")
            if cursor.fetchone() is None:
                return "no status codes loaded: run manage.py prepare_database"
    except DatabaseError as problem:
        return f"database error: {type(problem).__name__}"
    return None


def lift_request_timeouts() -> None:
    """Commands (migrate, load_content) may wait on each other's locks longer than a request may."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("SET lock_timeout = 0")
