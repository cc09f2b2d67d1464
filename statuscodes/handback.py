"""The way back to git: what the database holds that content/ does not, as a diff, a patch or a zip."""

import datetime
import difflib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header

from statuscodes.content import KINDS, content_hash, label, read_tree

CHANGED, CREATED, DELETED = "changed", "created", "deleted"
# Paths are written as git names them from the repository root, whatever CONTENT_DIR is called here.
REPOSITORY_FOLDER = "content"
DELETED_LIST = "deleted-files.txt"


@dataclass
class Change:
    """One file to hand back: its text in content/ (old) and the record's canonical text (new)."""

    kind: object  # an entry of content.KINDS
    label: str
    path: str  # content/<folder>/<file>
    status: str  # CHANGED, CREATED or DELETED
    old: str  # "" when the record was created in the admin
    new: str  # "" when the record was deleted in the admin
    obj: models.Model | None = None

    def diff(self) -> str:
        before = "/dev/null" if self.status == CREATED else f"a/{self.path}"
        after = "/dev/null" if self.status == DELETED else f"b/{self.path}"
        return unified_diff(self.old, self.new, before, after)

    @property
    def kind_name(self) -> str:
        return self.kind.model._meta.verbose_name

    @property
    def preview(self) -> list[tuple[str, str]]:
        """The diff's lines, each with the class the page colours it by."""
        lines = self.diff().split("\n")[:-1]
        # The first two lines name the files; a removed line reading "-- x" must not pass for one.
        body = [({"+": "add", "-": "del", "@": "hunk"}.get(line[:1], ""), line) for line in lines[2:]]
        return [("", line) for line in lines[:2]] + body

    @property
    def admin_url(self) -> str:
        if self.obj is None:
            return ""
        meta = self.obj._meta
        try:
            return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.obj.pk])
        except NoReverseMatch:  # a model the admin does not register
            return ""


def changes(root: Path) -> list[Change]:
    """Every record whose file differs from it, as load_content decides, and every file with no record."""
    root = Path(root)
    tree = read_tree(root)
    found = []
    for kind in KINDS:
        parsed, records = tree.records.get(kind.folder, {}), kind.existing()
        for key, obj in records.items():
            change = record_change(kind, root, key, obj, parsed.get(key))
            found += [change] if change else []
        found += deleted_files(kind, root, records)
    return found


def record_change(kind, root: Path, key, obj: models.Model, parsed: dict | None) -> Change | None:
    """How a record differs from its file; None when sync_record would call it unchanged."""
    data = kind.data_of(obj)
    new = kind.serialize(data)
    if parsed is not None and content_hash(kind.serialize(parsed)) == content_hash(new):
        return None
    # Nothing parsed: the file is missing, or load_content cannot read it, so it differs.
    file = root / kind.folder / kind.filename(data)
    old = file_text(file) if file.is_file() else None
    if old == new:  # unreadable to the parser, yet exactly what the database would write: nothing to hand back
        return None
    status = CREATED if old is None else CHANGED
    return Change(kind, label(kind, key), repository_path(kind, file), status, old or "", new, obj)


def deleted_files(kind, root: Path, records: dict) -> list[Change]:
    """Files with no record, named as export_content --prune would find them: read or not."""
    names = {kind.filename(kind.data_of(obj)) for obj in records.values()}
    files = [file for file in sorted((root / kind.folder).glob("*.md")) if file.name not in names and file.is_file()]
    return [
        Change(kind, f"{kind.folder}/{file.stem}", repository_path(kind, file), DELETED, file_text(file), "")
        for file in files
    ]


def repository_path(kind, file: Path) -> str:
    return f"{REPOSITORY_FOLDER}/{kind.folder}/{file.name}"


def file_text(file: Path) -> str:
    # The bytes as they are, line endings and BOM included, or the patch would not apply to them.
    return file.read_bytes().decode("utf-8", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines as git counts them: str.splitlines would also cut at \\f, \\x1c or \\u2028."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def unified_diff(old: str, new: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(split_lines(old), split_lines(new), before, after)
    # difflib leaves a last line without its newline unmarked; git apply and patch need the marker.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def patch(found: list[Change]) -> str:
    """One patch for `git apply` or `patch -p1` at the repository root, new and deleted files included."""
    modes = {CREATED: "new file mode 100644\n", DELETED: "deleted file mode 100644\n", CHANGED: ""}
    return "".join(f"diff --git a/{c.path} b/{c.path}\n{modes[c.status]}{c.diff()}" for c in found)


def zip_archive(found: list[Change]) -> bytes:
    """The changed and created files laid out as content/<folder>/<file>, and a list of files to git rm."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for change in found:
            if change.status != DELETED:
                archive.writestr(zip_entry(change.path), change.new)
        deleted = [change.path for change in found if change.status == DELETED]
        if deleted:
            archive.writestr(zip_entry(DELETED_LIST), "".join(f"{path}\n" for path in deleted))
    return buffer.getvalue()


def zip_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, datetime.datetime.now(datetime.UTC).timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16  # writestr's default is 0o600, which unzip would keep
    return entry


# ---------------------------------------------------------------------------------------------
# The admin page and its two downloads (urls.py wraps each in admin.site.admin_view)


def page(request):
    context = {
        **admin.site.each_context(request),
        "title": "Hand back to content/",
        "changes": changes(settings.CONTENT_DIR),
    }
    return render(request, "admin/handback.html", context)


def download_patch(request):
    return attachment(patch(changes(settings.CONTENT_DIR)), "patch", "text/x-diff; charset=utf-8")


def download_zip(request):
    return attachment(zip_archive(changes(settings.CONTENT_DIR)), "zip", "application/zip")


def attachment(body: str | bytes, extension: str, content_type: str) -> HttpResponse:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    disposition = content_disposition_header(True, f"statuscodes-content-{stamp}.{extension}")
    return HttpResponse(body, content_type=content_type, headers={"Content-Disposition": disposition})
