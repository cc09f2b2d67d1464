"""The theme script: inlined in <head> and allowed by its CSP hash.

A stored light/dark choice must be on <html> before the first paint, or the other theme flashes.
An external script could only do that by holding the first paint (a render-blocking request);
inline, it costs no request, and the Content-Security-Policy allows exactly this text by hash
while still refusing every other inline script.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings


@cache
def script_text() -> str:
    return (Path(settings.BASE_DIR) / "static" / "js" / "theme.js").read_text(encoding="utf-8")


@cache
def csp_source() -> str:
    """The script-src source expression that allows script_text() and nothing else."""
    digest = hashlib.sha256(script_text().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
