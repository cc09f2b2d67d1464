"""A scratch nginx configuration around one snippet, for `nginx -t`.

The snippet is placed in the context its directives need (main, http, server or location) and gets
what a real site's configuration would already hold around it: a certificate at http level, an
upstream for each name it proxies to, temp and log paths inside the scratch directory.
Absolute paths in the snippet (/etc/..., /var/...) are moved under the scratch directory, and a
certificate or key it names is a throwaway self-signed one.
"""

import re
import shutil
import subprocess
from pathlib import Path

# Directives allowed only in the http context (or that open an http-level block).
HTTP_ONLY = {
    "server",
    "upstream",
    "map",
    "geo",
    "log_format",
    "limit_req_zone",
    "limit_conn_zone",
    "proxy_cache_path",
    "split_clients",
}
# Directives allowed in a location but not in a server.
LOCATION_ONLY = {"proxy_pass", "internal", "alias", "limit_except", "fastcgi_pass", "uwsgi_pass", "grpc_pass"}
CERT_DIRECTIVES = {"ssl_certificate", "ssl_client_certificate", "ssl_trusted_certificate"}
KEY_DIRECTIVES = {"ssl_certificate_key"}
ABSOLUTE_PATH = re.compile(r"(?<![\w$:/])/(?:etc|var|srv|opt)/[\w./-]*")
PROXIED_HOST = re.compile(r"\b(?:proxy|grpc)_pass\s+(?:https?|grpcs?)://([A-Za-z_][\w.-]*)\s*;")
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def top_level_directives(snippet: str) -> set[str]:
    """Names of the directives at depth 0 of the snippet (comments and quoted strings ignored)."""
    names, depth, expect_name = set(), 0, True
    for token in re.findall(r"#[^\n]*|'[^']*'|\"[^\"]*\"|[{};]|[^\s{};]+", snippet):
        if token.startswith("#"):
            continue
        if token in "{};":
            depth += {"{": 1, "}": -1, ";": 0}[token]
            expect_name = True
        elif expect_name:
            if depth == 0:
                names.add(token)
            expect_name = False
    return names


def context_for(snippet: str) -> str:
    names = top_level_directives(snippet)
    if "http" in names or "events" in names:
        return "main"
    if names & HTTP_ONLY:
        return "http"
    if names & LOCATION_ONLY:
        return "location"
    return "server"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def scratch_config(snippet: str, workdir: Path, cert: Path, key: Path) -> tuple[str, str]:
    """Return (context, configuration text) for the snippet, creating the files it refers to."""
    context = context_for(snippet)
    root = workdir / "root"

    def relocate(match):
        path = root / match[0].lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)

    snippet = ABSOLUTE_PATH.sub(relocate, snippet)
    for directive, value in re.findall(r"^\s*(ssl_\w+)\s+(\S+)\s*;", snippet, flags=re.M):
        if directive in CERT_DIRECTIVES | KEY_DIRECTIVES and not Path(value).exists():
            shutil.copy(key if directive in KEY_DIRECTIVES else cert, value)
    for directory in ("logs", "temp"):
        (workdir / directory).mkdir(exist_ok=True)
    upstreams = "".join(
        f"upstream {host} {{ server 127.0.0.1:9; }}\n" for host in sorted(set(PROXIED_HOST.findall(snippet)))
    )
    temp = "".join(f"{name}_temp_path {workdir / 'temp' / name};\n" for name in TEMP_PATHS)
    http_head = f"ssl_certificate {cert};\nssl_certificate_key {key};\n{temp}{upstreams}"
    main_head = f"pid {workdir / 'nginx.pid'};\nevents {{}}\n"
    if context == "main":
        body, count = re.subn(r"^(\s*http\s*\{)", lambda m: f"{m[1]}\n{http_head}", snippet, count=1, flags=re.M)
        return context, main_head + (body if count else snippet)
    if context == "location":
        snippet = f"location / {{\n{snippet}\n}}"
    if context in ("server", "location"):
        snippet = f"server {{\nlisten 127.0.0.1:8080;\n{snippet}\n}}"
    return context, f"{main_head}http {{\n{http_head}{snippet}\n}}\n"
