"""Health that tells the truth, and a broken or hung database answered with a clean 503.

Through real gunicorn servers: a worker killed by gunicorn's timeout, or a traceback in the
log, only shows there.
"""

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from statuscodes.tests.servers import prepare_sqlite

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pristine_database(tmp_path_factory) -> Path:
    """A SQLite file holding the real content, copied by each test that breaks it."""
    folder = tmp_path_factory.mktemp("pristine")
    prepare_sqlite(folder)
    return folder / "site.sqlite3"


@pytest.fixture
def database_copy(pristine_database, tmp_path) -> Path:
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(pristine_database, copy)
    return copy


def assert_unavailable_in_every_form(server, path: str = "/521", limit: float = 5.0):
    """503 with Retry-After as JSON, text and HTML, each within the limit."""
    for accept, content_type in [("application/json", "application/json"), ("text/plain", "text/plain"),
                                 ("text/html", "text/html")]:  # fmt: skip
        started = time.monotonic()
        status, headers, body = server.request("GET", path, {"Accept": accept}, timeout=limit + 5)
        elapsed = time.monotonic() - started
        assert status == 503, (accept, status, body[:300])
        assert elapsed <= limit, f"{accept}: {elapsed:.1f} s"
        assert headers["content-type"].startswith("application/json" if path.startswith("/api/") else content_type)
        assert headers["retry-after"] == "30"
        assert "no-cache" in headers["cache-control"] or "max-age=0" in headers["cache-control"]
        if headers["content-type"] == "application/json":
            assert json.loads(body)["status"] == 503
        assert b"Traceback" not in body


def test_health_and_liveness_are_ok_when_pages_can_be_served(production_server):
    assert production_server.request("GET", "/healthz")[0] == 200
    assert production_server.request("GET", "/livez")[0] == 200


def test_a_missing_table_fails_readiness_and_pages_answer_503(database_copy, start_gunicorn):
    with sqlite3.connect(database_copy) as db:
        db.execute("DROP TABLE statuscodes_revision")
    server = start_gunicorn(f"sqlite:///{database_copy}")
    status, _, body = server.request("GET", "/healthz")
    assert status == 503 and b"database error" in body
    assert server.request("GET", "/livez")[0] == 200  # the process itself is fine
    assert_unavailable_in_every_form(server)
    assert "Traceback" not in server.log()


def test_an_absent_revision_row_or_no_codes_fails_readiness(database_copy, start_gunicorn):
    with sqlite3.connect(database_copy) as db:
        db.execute("DELETE FROM statuscodes_revision")
    server = start_gunicorn(f"sqlite:///{database_copy}")
    status, _, body = server.request("GET", "/healthz")
    assert status == 503 and b"no content revision" in body


def test_a_database_with_no_codes_fails_readiness(database_copy, start_gunicorn):
    with sqlite3.connect(database_copy) as db:
        db.execute("DELETE FROM statuscodes_statuscode")  # sqlite3 leaves foreign keys unchecked
    server = start_gunicorn(f"sqlite:///{database_copy}")
    status, _, body = server.request("GET", "/healthz")
    assert status == 503 and b"no status codes" in body


@pytest.mark.parametrize("garbage", [b"", b"this is not a database" * 100])
def test_a_database_file_replaced_by_an_empty_or_garbage_file_answers_503(database_copy, start_gunicorn, garbage):
    database_copy.write_bytes(garbage)
    server = start_gunicorn(f"sqlite:///{database_copy}")
    assert server.request("GET", "/healthz")[0] == 503
    assert_unavailable_in_every_form(server)
    assert_unavailable_in_every_form(server, "/api/v1/codes/521")


def test_a_sqlite_lock_held_by_another_process_answers_503_within_seconds(database_copy, start_gunicorn):
    server = start_gunicorn(f"sqlite:///{database_copy}")
    assert server.request("GET", "/healthz")[0] == 200
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
         "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(60)", str(database_copy)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert server.request("GET", "/healthz", timeout=10)[0] == 503
        assert time.monotonic() - started <= 5
        assert_unavailable_in_every_form(server, "/404")
    finally:
        holder.kill()
        holder.wait()
    assert server.request("GET", "/404")[0] == 200  # and it recovers by itself


@pytest.fixture
def silent_database_port():
    """A TCP port that accepts connections and never says a word: a hung database server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes handshakes; nobody ever reads or answers
        yield listener.getsockname()[1]


def test_a_hung_database_answers_503_within_five_seconds_and_no_worker_is_killed(silent_database_port,
                                                                                   start_gunicorn):  # fmt: skip
    server = start_gunicorn(f"postgres://nobody@127.0.0.1:{silent_database_port}/statuscodes", workers=1)
    assert_unavailable_in_every_form(server)
    started = time.monotonic()
    assert server.request("GET", "/healthz", timeout=10)[0] == 503
    assert time.monotonic() - started <= 5
    log = server.log()
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log


@pytest.mark.django_db(transaction=True)  # committed, so the server's own connection sees the content
def test_a_statement_stuck_behind_a_lock_on_postgresql_answers_503(start_gunicorn):
    """statement_timeout and lock_timeout: an ALTER TABLE in progress must not hang every page."""
    if connection.vendor != "postgresql":
        pytest.skip("statement and lock timeouts are PostgreSQL's; SQLite's busy timeout is tested above")
    import psycopg
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    db = connection.settings_dict
    server = start_gunicorn(f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                            workers=1)  # fmt: skip
    assert server.request("GET", "/healthz")[0] == 200
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"],
                         password=db["PASSWORD"] or None) as locker:  # fmt: skip
        locker.execute("LOCK TABLE statuscodes_revision IN ACCESS EXCLUSIVE MODE")
        assert_unavailable_in_every_form(server, "/404")
        assert server.request("GET", "/healthz", timeout=10)[0] == 503
    assert server.request("GET", "/healthz")[0] == 200
