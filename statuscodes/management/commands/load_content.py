"""load_content: validate content/ and write it to the database in one transaction."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statuscodes.content import ContentErrors, sync_content
from statuscodes.database import lift_request_timeouts


class Command(BaseCommand):
    help = "Load the markdown files in content/ into the database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="content folder (default: CONTENT_DIR)")
        parser.add_argument(
            "--force", action="store_true", help="overwrite records edited in the admin since the last load"
        )

    def handle(self, *args, path=None, force=False, **options):
        root = path or settings.CONTENT_DIR
        lift_request_timeouts()  # another instance's load holds the lock for longer than a request may wait
        try:
            report = sync_content(root, force=force)
        except ContentErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in {root}; nothing was loaded.") from None
        for name, reason in report.skipped:
            self.stderr.write(f"skipped {name}: {reason} (use --force to overwrite it)")
        counts = (
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
            f"{len(report.skipped)} skipped"
        )
        if report.changed:
            self.stdout.write(f"Loaded {root}: {counts}.")
        else:
            self.stdout.write(f"Nothing changed in {root}: {counts}.")
