"""gunicorn settings for production; the container and the test servers start with this file.

Every value can be overridden by the usual GUNICORN_CMD_ARGS or WEB_CONCURRENCY.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two sync workers per core is plenty: pages are cached and a request rarely waits on I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# No request should come near this: the database's own timeouts answer a 503 within 5 s
# (settings.DATABASES), so a worker killed here is a bug, not a slow database.
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests, at staggered times, so slow growth of memory
# (a fragmented heap) cannot accumulate and the workers never restart all at once.
max_requests = 2000
max_requests_jitter = 200
# Request limits (gunicorn's defaults, stated): anything larger is refused with a 400 before
# Django sees it.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn's control socket (a Unix socket in $HOME) is not used; several instances on one
# machine would fight over its one default path.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# The proxy in front (nginx, a CDN) sets X-Forwarded-*; trust it only from loopback by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
