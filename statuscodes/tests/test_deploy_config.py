"""compose.yaml and deploy/nginx.conf.template: the scaled-out topology, checked without Docker.

deploy/cluster.sh runs the same topology for real (its `test` in CI); these need no services.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from statuscodes.negotiation import representation_for

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATE = BASE_DIR / "deploy" / "nginx.conf.template"
NGINX = Path("/usr/sbin/nginx")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def services() -> dict:
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())["services"]


def app_services() -> dict:
    return {name: s for name, s in services().items() if "gunicorn" in " ".join(s.get("command", []))}


def nginx_map(variable: str, name: str):
    """The map block `map $variable $name` as nginx applies it: exact strings, then regexes in order."""
    block = re.search(rf"map \${variable} \${name} {{(.*?)\n}}", TEMPLATE.read_text(), re.S).group(1)
    exact, regexes, default = {}, [], None
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, value = re.fullmatch(r'("(?:[^"\\]|\\.)*"|\S+)\s+("[^"]*"|\S+);', line).groups()
        key, value = key.strip('"'), value.strip('"')
        if key == "default":
            default = value
        elif key.startswith("~*"):
            regexes.append((re.compile(key[2:], re.I | re.A), value))
        elif key.startswith("~"):
            regexes.append((re.compile(key[1:], re.A), value))
        else:
            exact[key] = value

    def apply(header: str) -> str:
        if header in exact:
            return exact[header]
        for regex, value in regexes:
            if regex.search(header):
                return value
        return default

    return apply


def test_compose_holds_the_whole_topology():
    found = services()
    assert {"postgres", "redis", "prepare", "nginx"} <= found.keys()
    assert len(app_services()) >= 2
    assert found["prepare"]["command"] == ["python", "manage.py", "prepare_database"]
    assert found["prepare"]["restart"] == "no"


def test_redis_is_a_capped_lru_cache_that_writes_nothing_to_disk():
    command = services()["redis"]["command"]
    assert command[command.index("--maxmemory") + 1] == "256mb"
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--save") + 1] == ""


def test_every_image_is_pinned_to_a_version():
    for name, service in services().items():
        if "image" in service:
            assert re.fullmatch(r"[a-z0-9./-]+:\d+\.\d+(\.\d+)?", service["image"]), name
        else:
            assert service["build"] == ".", name  # the app, built from this repository's Dockerfile


def test_the_instances_and_prepare_share_one_environment():
    environments = [s["environment"] for s in (*app_services().values(), services()["prepare"])]
    assert all(environment == environments[0] for environment in environments)
    environment = environments[0]
    for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        assert ":?" in environment[required], f"{required} must stop compose with a message when unset"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["DJANGO_BEHIND_TLS_PROXY"] == "True"


def test_instances_start_after_prepare_and_nginx_after_the_instances():
    for name, service in app_services().items():
        assert service["depends_on"]["prepare"]["condition"] == "service_completed_successfully", name
        assert "healthz" in " ".join(service["healthcheck"]["test"]), name
    nginx = services()["nginx"]
    assert {name: d["condition"] for name, d in nginx["depends_on"].items()} == dict.fromkeys(
        app_services(), "service_healthy"
    )


def test_nginx_runs_the_one_template_with_an_upstream_per_instance():
    nginx = services()["nginx"]
    assert "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    assert re.fullmatch(r"nginx:1\.2\d\.\d+", nginx["image"])
    used = set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text()))
    assert used == {"NGINX_LISTEN", "NGINX_UPSTREAM_A", "NGINX_UPSTREAM_B", "NGINX_CACHE_DIR"}
    assert used <= nginx["environment"].keys()
    upstreams = {nginx["environment"]["NGINX_UPSTREAM_A"], nginx["environment"]["NGINX_UPSTREAM_B"]}
    assert upstreams == {f"{name}:8000" for name in app_services()}
    assert re.fullmatch(r"\^NGINX_\w*", nginx["environment"]["NGINX_ENVSUBST_FILTER"])
    # nginx creates the cache's last level only: the folder itself must be in the image
    assert nginx["environment"]["NGINX_CACHE_DIR"] == "/var/cache/nginx"


@pytest.mark.parametrize(
    "accept, decided",
    [
        ("", "html"),
        ("*/*", "text"),  # curl, wget, python-requests
        (BROWSER, "html"),
        ("text/html, application/xhtml+xml, */*", "html"),
        ("application/json", "json"),
        ("application/json, text/plain, */*", "json"),  # axios
        ("application/json, */*;q=0.5", "json"),  # HTTPie
        ("text/plain", "text"),
        ("TEXT/PLAIN", "text"),
    ],
)
def test_the_front_decides_what_common_clients_negotiate(accept, decided):
    assert nginx_map("http_accept", "representation")(accept) == decided == representation_for(accept.strip())


@pytest.mark.parametrize(
    "accept", ["text/html;q=0.5, application/json", "*/*;q=0.8", "text/*", "image/png", " ", "x, text/html"]
)
def test_the_front_leaves_the_rest_to_the_app(accept):
    assert nginx_map("http_accept", "representation")(accept) == ""


MEDIA = ["text/html", "application/json", "text/plain", "*/*", "text/*", "application/*", "image/webp", "foo"]
RANGE = st.builds(
    lambda media, quality, space: f"{space}{media}{quality}",
    st.sampled_from(MEDIA + [m.upper() for m in MEDIA]),
    st.sampled_from(["", ";q=0", ";q=0.5", ";q=1", ";q=1.0", " ;q=0.9", ";level=1", ";q=x"]),
    st.sampled_from(["", " ", "  ", "\t"]),
)


@given(st.lists(RANGE, min_size=1, max_size=5).map(",".join))
def test_whatever_the_front_decides_is_what_the_app_decides(accept):
    decided = nginx_map("http_accept", "representation")(accept)
    assert decided in ("", representation_for(accept.strip()))


def test_gzip_is_asked_for_only_when_the_client_takes_it():
    encoding = nginx_map("http_accept_encoding", "gzip_encoding")
    assert encoding("gzip, deflate, br, zstd") == "gzip"
    assert encoding("br;q=1, gzip;q=0") == ""
    assert encoding("identity") == ""


@pytest.mark.skipif(not NGINX.exists(), reason="nginx is not installed (apt-get install nginx)")
@pytest.mark.skipif(not shutil.which("envsubst"), reason="envsubst is not installed (apt-get install gettext-base)")
def test_nginx_accepts_the_template_rendered_as_the_cluster_script_renders_it(tmp_path):
    env = {
        **os.environ,
        "NGINX_LISTEN": "127.0.0.1:8080",
        "NGINX_UPSTREAM_A": "127.0.0.1:8001",
        "NGINX_UPSTREAM_B": "127.0.0.1:8002",
        "NGINX_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run(["bash", "deploy/cluster.sh", "render-nginx", str(tmp_path)], cwd=BASE_DIR, env=env, check=True)
    rendered = (tmp_path / "conf.d" / "statuscodes.conf").read_text()
    assert "${" not in rendered and "$http_accept" in rendered  # nginx's own variables untouched
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
