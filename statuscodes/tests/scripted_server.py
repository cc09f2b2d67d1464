"""A tiny threaded HTTP server on 127.0.0.1 that answers a scripted sequence of responses per path.

    with ScriptedServer({"/flaky": [(503, {"Retry-After": "1"}), (200, {})]}) as server:
        ...  # a client asks server.url("/flaky"): 503, then 200, then 200 again (the last step repeats)
        assert server.count("/flaky") == 2

Each step is (status, headers) or (status, headers, body); a header's value may be a callable, read
when the response is sent (an HTTP-date a few seconds ahead, say). A path without a script gets 404.
`hooks` maps a path to a function run before answering it (to start another server, say). Every
request is recorded as (method, path, monotonic time), so tests count attempts and see their order.
"""

import http.server
import sys
import threading
import time
from typing import NamedTuple


class Seen(NamedTuple):
    method: str
    path: str
    time: float


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client dropping a kept-alive connection
            super().handle_error(request, client_address)


class ScriptedServer:
    def __init__(self, scripts: dict[str, list[tuple]] | None = None, port: int = 0, hooks: dict | None = None):
        self.scripts = {path: list(steps) for path, steps in (scripts or {}).items()}
        self.hooks = dict(hooks or {})
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.httpd = QuietServer(("127.0.0.1", port), self.handler_class())
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for seen in self.requests if path is None or seen.path == path)

    def next_step(self, method: str, path: str) -> tuple:
        with self.lock:
            self.requests.append(Seen(method, path, time.monotonic()))
            steps = self.scripts.get(path)
            if not steps:
                return (404, {})
            return steps.pop(0) if len(steps) > 1 else steps[0]

    def handler_class(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so clients' connection reuse is exercised too
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms wait between them

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)  # the body, so the next request on this connection is read right
                path = self.path.split("?", 1)[0]
                if hook := server.hooks.get(path):
                    hook()
                status, headers, *body = server.next_step(self.command, path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value() if callable(value) else str(value))
                if status in (204, 304):  # no body, and no length either
                    self.end_headers()
                    return
                payload = body[0] if body else f"scripted {status}\n".encode()
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = answer

            def log_message(self, format, *args):
                pass  # quiet: the test reads server.requests instead

        return Handler

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
