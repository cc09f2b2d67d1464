"""prepare_database: instances starting together on one PostgreSQL database all come up."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_postgres_url():
    """A brand-new, empty PostgreSQL database beside the test one, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the start lock is PostgreSQL's advisory lock; SQLite serialises its writers itself")
    db = connection.settings_dict
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_four_instances_starting_at_once_on_an_empty_database_all_come_up(scratch_postgres_url):
    env = {**os.environ, "DATABASE_URL": scratch_postgres_url}
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    starts = [
        subprocess.Popen([sys.executable, manage, "prepare_database", "-v0"], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(4)
    ]  # fmt: skip
    outputs = [start.communicate(timeout=180)[0] for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0, 0], outputs
    assert sum("Loaded" in output for output in outputs) == 1
    assert sum("Nothing changed" in output for output in outputs) == 3
