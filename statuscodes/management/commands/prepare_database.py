"""prepare_database: migrate, then load_content, one instance at a time (the container's start step)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from statuscodes.content import LOAD_LOCK
from statuscodes.database import lift_request_timeouts


class Command(BaseCommand):
    help = "Apply migrations and load content/, holding a lock so instances starting together take turns."

    def handle(self, *args, **options):
        lift_request_timeouts()  # waiting for another instance's migrate takes longer than a request may
        locked = connection.vendor == "postgresql"
        if locked:  # concurrent migrate and load_content would race; SQLite serialises writers itself
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOAD_LOCK])
        try:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            call_command("load_content", verbosity=options["verbosity"])
            # Records from before version history was kept get a first version to go back to.
            call_command("createinitialrevisions", "statuscodes", comment="initial version", verbosity=0)
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOAD_LOCK])
