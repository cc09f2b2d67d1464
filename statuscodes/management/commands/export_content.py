"""export_content: write the database back to markdown files in the canonical format."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from statuscodes.content import export_content


class Command(BaseCommand):
    help = "Write every source, class and code from the database as content files."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="target folder (default: CONTENT_DIR)")
        parser.add_argument("--prune", action="store_true", help="delete files that have no record")

    def handle(self, *args, path=None, prune=False, **options):
        root = path or settings.CONTENT_DIR
        result = export_content(root, prune=prune)
        self.stdout.write(f"Wrote {len(result['written'])} files to {root}.")
        for name in result["pruned"]:
            self.stdout.write(f"deleted {name}: no record in the database")
