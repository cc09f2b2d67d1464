"""load_content and export_content: atomic, idempotent, and never losing an editor's work."""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from statuscodes.models import Revision, StatusCode
from statuscodes.tests.conftest import VENDORS, code_file, comparison_file


def load(root, **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_content", path=root, stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def snapshot():
    return [
        (c.number, c.source.slug, c.name, c.updated_at, c.description, c.loaded_hash)
        for c in StatusCode.objects.listing()
    ]


@pytest.mark.django_db
def test_a_second_run_changes_nothing_not_even_timestamps(small_site):
    before, revision = snapshot(), Revision.current().number
    output = load(small_site)
    assert output.startswith("Nothing changed")
    assert "0 created, 0 updated, 16 unchanged, 0 removed, 0 skipped" in output
    assert snapshot() == before
    assert Revision.current().number == revision


@pytest.mark.django_db
def test_the_summary_counts_created_updated_and_removed(small_site):
    (small_site / "codes/410-iana.md").unlink()
    path = small_site / "codes/404-iana.md"
    path.write_text(
        path.read_text().replace("related: [410, 521]", "related: [521]").replace("Not Found", "Not Found Here")
    )
    (small_site / "codes/418-iana.md").write_text(code_file(418, name="(Unused)"))
    output = load(small_site)
    assert "1 created, 1 updated, 14 unchanged, 1 removed, 0 skipped" in output
    assert StatusCode.objects.get(number=404).name == "Not Found Here"
    assert not StatusCode.objects.filter(number=410).exists()


@pytest.mark.django_db
def test_a_bad_file_fails_the_whole_load_and_leaves_the_database_as_it_was(small_site):
    before = snapshot()
    good = small_site / "codes/404-iana.md"
    good.write_text(good.read_text().replace("Not Found", "Not Found Here"))
    (small_site / "codes/405-iana.md").write_text(code_file(405, related="[999]"))
    with pytest.raises(CommandError, match="nothing was loaded"):
        load(small_site)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_value_python_cannot_convert_is_a_located_error_not_a_traceback(small_site):
    path = small_site / "codes/404-iana.md"
    path.write_text(path.read_text().replace("code: 404", "code: " + "4" * 5001))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", path=small_site, stdout=io.StringIO(), stderr=err)
    assert "content/codes/404-iana.md:2: code: must be a status code from 100 to 599\n" in err.getvalue()


@pytest.mark.django_db
def test_a_file_with_a_byte_order_mark_loads_once_and_exports_without_it(small_site, tmp_path):
    path = small_site / "codes/404-iana.md"
    canonical = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + canonical.replace(b"Not Found", b"Not Found Here"))
    assert "1 updated" in load(small_site)
    assert load(small_site).startswith("Nothing changed")  # the hash is of the canonical form, not the bytes
    call_command("export_content", path=tmp_path / "out", stdout=io.StringIO())
    assert (tmp_path / "out/codes/404-iana.md").read_bytes() == canonical.replace(b"Not Found", b"Not Found Here")


@pytest.mark.django_db
def test_the_error_output_names_file_line_and_field(small_site):
    (small_site / "codes/405-iana.md").write_text(code_file(405, related="[404, 406]"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_content", path=small_site, stdout=io.StringIO(), stderr=err)
    assert "content/codes/405-iana.md:19: related: related code 406 does not exist" in err.getvalue()


@pytest.mark.django_db
def test_an_admin_edit_is_not_overwritten_and_is_listed(small_site):
    code = StatusCode.objects.get(number=404)
    code.summary = "An editor's better summary."
    code.save()
    path = small_site / "codes/404-iana.md"
    path.write_text(path.read_text().replace("What 404 means in one line.", "A file change."))
    output = load(small_site)
    assert "skipped codes/404-iana: edited in the admin since the last load (use --force" in output
    assert StatusCode.objects.get(number=404).summary == "An editor's better summary."


@pytest.mark.django_db
def test_force_overwrites_an_admin_edit(small_site):
    code = StatusCode.objects.get(number=404)
    code.summary = "An editor's better summary."
    code.save()
    assert "1 updated" in load(small_site, force=True)
    assert StatusCode.objects.get(number=404).summary == "What 404 means in one line."


@pytest.mark.django_db
def test_an_edited_record_whose_file_was_deleted_is_kept(small_site):
    code = StatusCode.objects.get(number=410)
    code.summary = "Edited, so not to be deleted silently."
    code.save()
    (small_site / "codes/410-iana.md").unlink()
    path = small_site / "codes/404-iana.md"
    path.write_text(path.read_text().replace("related: [410, 521]", "related: [521]"))
    output = load(small_site)
    assert "skipped codes/410-iana: changed in the admin and not in content/" in output
    assert StatusCode.objects.filter(number=410).exists()


@pytest.mark.django_db
def test_an_edit_that_was_exported_is_then_loaded_as_unchanged(small_site):
    code = StatusCode.objects.get(number=404)
    code.summary = "An editor's better summary."
    code.save()
    call_command("export_content", path=small_site, stdout=io.StringIO())
    output = load(small_site)
    assert output.startswith("Nothing changed")
    assert output.endswith("0 removed, 0 skipped.\n")


@pytest.mark.django_db
def test_export_reproduces_the_loaded_files_byte_for_byte(small_site, tmp_path):
    (small_site / "comparisons/404-vs-410.md").write_text(comparison_file(404, 410))
    (small_site / "comparisons/499-vs-499-esri.md").write_text(comparison_file(499, "499/esri"))
    load(small_site)
    call_command("export_content", path=tmp_path / "out", stdout=io.StringIO())
    for kind in ("sources", "classes", "codes", "comparisons"):
        for original in (small_site / kind).glob("*.md"):
            assert (tmp_path / "out" / kind / original.name).read_text() == original.read_text()
        assert len(list((tmp_path / "out" / kind).glob("*.md"))) == len(list((small_site / kind).glob("*.md")))


@pytest.mark.django_db
def test_the_real_content_folder_round_trips_byte_for_byte(tmp_path):
    """load_content then export_content into an empty folder reproduces content/ exactly."""
    source = Path(settings.CONTENT_DIR)
    load(source)
    call_command("export_content", path=tmp_path, stdout=io.StringIO())
    for kind in ("sources", "classes", "codes", "comparisons"):
        originals = sorted(p.name for p in (source / kind).glob("*.md"))
        assert sorted(p.name for p in (tmp_path / kind).glob("*.md")) == originals
        for name in originals:
            assert (tmp_path / kind / name).read_bytes() == (source / kind / name).read_bytes(), name


@pytest.mark.django_db
def test_export_prune_deletes_files_without_a_record(small_site):
    StatusCode.objects.get(number=410).delete()
    out = io.StringIO()
    call_command("export_content", path=small_site, prune=True, stdout=out)
    assert "deleted codes/410-iana.md" in out.getvalue()
    assert not (small_site / "codes/410-iana.md").exists()


@pytest.mark.django_db
def test_loading_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError):
        load(tmp_path / "nowhere")


@pytest.mark.django_db
def test_a_changed_vendor_source_is_updated(write_tree):
    root = write_tree({"codes/521-cloudflare.md": code_file(521, "cloudflare", related="[]")}, extra_sources=VENDORS)
    load(root)
    path = root / "sources/cloudflare.md"
    path.write_text(path.read_text().replace("name: Cloudflare", "name: Cloudflare, Inc."))
    assert "1 updated" in load(root)
    shutil.rmtree(root)


@pytest.mark.django_db
def test_swapping_two_source_ranks_in_one_load_is_a_clear_error_and_writes_nothing(small_site):
    before = snapshot()
    for slug, old, new in (("cloudflare", 10, 20), ("esri", 20, 10)):
        path = small_site / f"sources/{slug}.md"
        path.write_text(path.read_text().replace(f"rank: {old}", f"rank: {new}"))
    with pytest.raises(CommandError, match="nothing was loaded"):
        load(small_site)
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_loads_started_together_on_postgresql_wait_for_each_other_instead_of_failing():
    """Every container runs load_content at start; instances starting at once must all succeed."""
    import os
    import subprocess
    import sys

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the load lock is PostgreSQL's advisory lock; SQLite serialises its writers itself")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    manage = Path(settings.BASE_DIR) / "manage.py"
    loads = [
        subprocess.Popen([sys.executable, str(manage), "load_content"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [load.communicate(timeout=120)[0] for load in loads]
    assert [load.returncode for load in loads] == [0, 0, 0, 0], outputs
    assert sum(output.startswith("Loaded") for output in outputs) == 1
    assert sum(output.startswith("Nothing changed") for output in outputs) == 3
