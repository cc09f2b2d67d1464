"""Real servers for tests the test client would fool: gunicorn with production settings.

The test client skips CSRF, Host validation, gunicorn's request limits and the WSGI layer's
handling of odd bytes; these tests talk HTTP over a socket instead.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
HOST = "statuscodes.example"  # the one allowed host of these servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production instance on loopback, with a throwaway key."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.pop("REDIS_URL", None)  # each server says for itself whether it shares a cache
    env.update(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="test-only-server-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        SITE_URL=f"https://{HOST}",
        DATABASE_URL=database_url,
    )
    env.update(extra)
    return env


def prepare_sqlite(folder: Path, content_dir: Path | None = None) -> str:
    """A migrated SQLite database holding content/ (or another tree): its DATABASE_URL."""
    url = f"sqlite:///{folder / 'site.sqlite3'}"
    env = production_env(url)
    if content_dir:
        env["CONTENT_DIR"] = str(content_dir)
    subprocess.run(
        [sys.executable, "manage.py", "prepare_database", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=300
    )
    return url


class Gunicorn:
    """One gunicorn instance started from gunicorn.conf.py, its log kept for inspection."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, timeout: int | None = None):
        self.port = free_port()
        self.log_path = log
        args = [sys.executable, "-m", "gunicorn", "statuscodes.wsgi:application", "--config", "gunicorn.conf.py"]
        args += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--access-logfile", "-"]
        if timeout:
            args += ["--timeout", str(timeout)]
        self.log_file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.wait_until_listening()

    def wait_until_listening(self, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not listen within {limit} s:\n{self.log()}")

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
                timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        """One request on a new connection; the Host is the allowed one unless headers say otherwise."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in {"Host": HOST, **(headers or {})}.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def raw(self, data: bytes, timeout: float = 10.0) -> bytes:
        """Send bytes as they are (malformed requests), return whatever comes back."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            chunks = []
            try:
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
            except TimeoutError:
                pass
            return b"".join(chunks)

    def log(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
