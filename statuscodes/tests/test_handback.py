"""The way back to git: the admin page lists what the database holds that content/ does not, as a patch or a zip."""

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from statuscodes import handback
from statuscodes.content import read_tree, sync_content
from statuscodes.models import Source, StatusCode

pytestmark = pytest.mark.django_db

PAGE = "/admin/handback/"


@pytest.fixture
def site(small_site, settings):
    settings.CONTENT_DIR = small_site
    return small_site


def edit_summary(number: int, summary: str) -> None:
    code = StatusCode.objects.get(number=number)
    code.summary = summary
    code.save()


def copy_code(number: int, new_number: int) -> StatusCode:
    original = StatusCode.objects.get(number=number)
    code = StatusCode.objects.get(number=number)  # a second instance, saved as the new row
    code.pk, code.number = None, new_number
    code.save()
    for item in [*original.causes.all(), *original.fixes.all()]:
        item.pk, item.code = None, code
        item.save()
    return code


def edit_in_the_admin() -> None:
    """One change of each kind: 404's summary edited, 405 created, 200 deleted (nothing refers to it)."""
    edit_summary(404, "The server has nothing at this address.")
    copy_code(404, 405)
    StatusCode.objects.get(number=200).delete()


def statuses(root) -> dict[str, str]:
    return {change.path: change.status for change in handback.changes(root)}


def assert_the_tree_matches_the_database(root) -> None:
    assert read_tree(root).errors == []
    assert handback.changes(root) == []
    report = sync_content(root)
    assert (report.created, report.updated, report.removed, report.skipped) == ([], [], [], [])


def git(repository, *args: str, stdin: bytes | None = None) -> None:
    config = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *config, *args], cwd=repository, input=stdin, check=True, capture_output=True)


def repository_of(site: Path, path: Path) -> Path:
    """A git repository holding the site's files as content/, committed."""
    shutil.copytree(site, path / "content")
    git(path, "init", "-q")
    git(path, "add", "content")
    git(path, "commit", "-qm", "The content as loaded")
    return path


def test_an_unchanged_site_lists_nothing(site, admin_client):
    assert handback.changes(site) == []
    html = admin_client.get(PAGE).content.decode()
    assert "there is nothing to hand back" in html
    assert "Download patch" not in html


def test_a_summary_edited_in_the_database_is_listed_as_changed_with_its_diff(site, admin_client):
    edit_summary(404, "The server has nothing at this address.")
    assert statuses(site) == {"content/codes/404-iana.md": "changed"}
    diff = handback.changes(site)[0].diff()
    assert "-summary: What 404 means in one line.\n+summary: The server has nothing at this address.\n" in diff
    html = admin_client.get(PAGE).content.decode()
    code = StatusCode.objects.get(number=404)
    assert f'<a href="/admin/statuscodes/statuscode/{code.pk}/change/">codes/404-iana</a>' in html
    assert "changed in the admin" in html
    assert "+summary: The server has nothing at this address." in html


def test_a_code_created_in_the_database_is_listed_as_new(site):
    copy_code(404, 405)
    (change,) = handback.changes(site)
    assert (change.path, change.status, change.old) == ("content/codes/405-iana.md", "created", "")
    assert change.diff().startswith("--- /dev/null\n+++ b/content/codes/405-iana.md\n@@ -0,0 +1,")


def test_a_code_deleted_from_the_database_is_listed_as_deleted(site, admin_client):
    StatusCode.objects.get(number=200).delete()
    (change,) = handback.changes(site)
    assert (change.path, change.status, change.new, change.obj) == ("content/codes/200-iana.md", "deleted", "", None)
    assert "+++ /dev/null\n@@ -1," in change.diff()
    assert "deleted in the admin" in admin_client.get(PAGE).content.decode()


def test_a_file_that_reads_the_same_after_parsing_is_not_listed(site):
    # load_content compares canonical text, so reformatting a file is not a change
    path = site / "codes/404-iana.md"
    path.write_text(path.read_text().replace("## When you see it", "\n\n## When you see it"))
    assert handback.changes(site) == []


def test_a_file_the_parser_cannot_read_is_listed_as_changed(site):
    (site / "codes/404-iana.md").write_text("not markdown with front matter\n")
    assert statuses(site) == {"content/codes/404-iana.md": "changed"}


def test_the_patch_applies_with_git_and_leaves_content_matching_the_database(site, tmp_path, admin_client):
    repository = repository_of(site, tmp_path / "repository")
    edit_in_the_admin()
    assert statuses(site) == {
        "content/codes/200-iana.md": "deleted",
        "content/codes/404-iana.md": "changed",
        "content/codes/405-iana.md": "created",
    }
    patch = admin_client.get(f"{PAGE}content.patch").content
    git(repository, "apply", "--check", stdin=patch)
    git(repository, "apply", stdin=patch)
    assert_the_tree_matches_the_database(repository / "content")


def test_the_patch_applies_with_patch_p1_too(site, tmp_path):
    if not shutil.which("patch"):
        pytest.skip("no patch program here")
    shutil.copytree(site, tmp_path / "repository/content")
    edit_in_the_admin()
    patch = handback.patch(handback.changes(site)).encode()
    subprocess.run(["patch", "-p1", "-s"], cwd=tmp_path / "repository", input=patch, check=True)
    assert not (tmp_path / "repository/content/codes/200-iana.md").exists()
    assert_the_tree_matches_the_database(tmp_path / "repository/content")


def test_the_zip_extracted_over_the_tree_leaves_content_matching_the_database(site, tmp_path, admin_client):
    repository = tmp_path / "repository"
    shutil.copytree(site, repository / "content")
    edit_in_the_admin()
    archive = zipfile.ZipFile(io.BytesIO(admin_client.get(f"{PAGE}content.zip").content))
    assert sorted(archive.namelist()) == ["content/codes/404-iana.md", "content/codes/405-iana.md", "deleted-files.txt"]
    archive.extractall(repository)
    for path in (repository / "deleted-files.txt").read_text().splitlines():
        (repository / path).unlink()
    (repository / "deleted-files.txt").unlink()
    assert_the_tree_matches_the_database(repository / "content")


def test_a_file_without_a_final_newline_gets_the_marker_patch_needs(site, tmp_path):
    path = site / "sources/iana.md"
    path.write_text(path.read_text().removesuffix("\n"))
    repository = repository_of(site, tmp_path / "repository")
    Source.objects.filter(slug="iana").update(name="The IANA registry")
    patch = handback.patch(handback.changes(site))
    assert "\\ No newline at end of file\n" in patch
    git(repository, "apply", stdin=patch.encode())
    assert_the_tree_matches_the_database(repository / "content")


def test_a_line_separator_inside_a_text_does_not_split_its_line():
    diff = handback.unified_diff("a\u2028b\n", "a\u2028c\n", "a/x", "b/x")
    assert diff.endswith("-a\u2028b\n+a\u2028c\n")


def test_the_downloads_are_named_and_typed_for_saving(site, admin_client):
    edit_summary(404, "Changed.")
    patch = admin_client.get(f"{PAGE}content.patch")
    assert patch["Content-Type"] == "text/x-diff; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="statuscodes-content-\d{8}T\d{6}Z\.patch"', patch["Content-Disposition"])
    archive = admin_client.get(f"{PAGE}content.zip")
    assert archive["Content-Type"] == "application/zip"
    assert re.fullmatch(r'attachment; filename="statuscodes-content-\d{8}T\d{6}Z\.zip"', archive["Content-Disposition"])


def test_the_downloads_are_empty_when_nothing_differs(site, admin_client):
    assert admin_client.get(f"{PAGE}content.patch").content == b""
    assert zipfile.ZipFile(io.BytesIO(admin_client.get(f"{PAGE}content.zip").content)).namelist() == []


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}content.patch", f"{PAGE}content.zip"])
def test_anonymous_visitors_are_sent_to_the_admin_login(site, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(site, client):
    client.force_login(User.objects.create_user("reader", "reader@example.com", "a-long-password-1"))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={PAGE}"


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}content.patch", f"{PAGE}content.zip"])
def test_the_page_and_downloads_are_never_cached(site, admin_client, url):
    cache_control = admin_client.get(url)["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control and "no-store" in cache_control


def test_the_admin_index_links_to_the_page(site, admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert f'<a href="{PAGE}">Hand back to content/</a>' in html
    assert "Recent actions" in html  # still Django's index around it
