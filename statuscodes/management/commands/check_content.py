"""check_content: hold every file in content/ to the format and the editorial bar, no database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statuscodes.content import editorial_problems, read_tree


class Command(BaseCommand):
    help = "Check content/ against the format and the editorial bar in content/README.md."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="content folder (default: CONTENT_DIR)")

    def handle(self, *args, path=None, **options):
        root = path or settings.CONTENT_DIR
        tree = read_tree(root)
        problems = tree.errors + editorial_problems(tree)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {root}.")
        codes = len(tree.records.get("codes", {}))
        self.stdout.write(f"{root}: {codes} meanings meet the bar.")
