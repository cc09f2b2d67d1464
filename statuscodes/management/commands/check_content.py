"""check_content: hold every file in content/ to the format and the editorial bar, no database."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statuscodes.content import STALE_AFTER, editorial_problems, read_tree, stale_records


class Command(BaseCommand):
    help = "Check content/ against the format and the editorial bar in content/README.md."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="content folder (default: CONTENT_DIR)")
        parser.add_argument(
            "--stale", action="store_true", help="also list files whose facts were last checked over six months ago"
        )

    def handle(self, *args, path=None, stale=False, **options):
        root = path or settings.CONTENT_DIR
        tree = read_tree(root)
        if stale:
            self.list_stale(tree)
        problems = tree.errors + editorial_problems(tree)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {root}.")
        codes, errors = len(tree.records.get("codes", {})), len(tree.records.get("errors", {}))
        self.stdout.write(f"{root}: {codes} meanings and {errors} platform errors meet the bar.")

    def list_stale(self, tree) -> None:
        today = datetime.date.today()
        found = stale_records(tree, today)
        for name, reviewed in found:
            self.stdout.write(f"{name}: last checked {reviewed.isoformat()} ({(today - reviewed).days} days ago)")
        self.stdout.write(f"{len(found)} file(s) not checked in the last {STALE_AFTER.days} days.")
