"""Static file URLs with a content hash, so browsers may keep them for a year.

Templates write ``static_url("style.css")`` and get ``/static/style.css?v=<hash>``: a new
release changes the hash, hence the URL, so a long cache lifetime never serves stale CSS or
script. Requests that carry the current hash are marked immutable; others revalidate.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER_PREFIX = "swagger-ui/"
YEAR = 365 * 24 * 3600


def swagger_ui_dir() -> Path:
    """Swagger UI's JavaScript and CSS inside the fastapi-offline package (Swagger UI 5,
    which reads the OpenAPI 3.1 schema FastAPI writes)."""
    from importlib.resources import files

    return Path(str(files("fastapi_offline") / "static"))


def _file(name: str) -> Path:
    """The file behind a static name (``swagger-ui/...`` lives in the fastapi-offline package)."""
    if name.startswith(SWAGGER_PREFIX):
        return swagger_ui_dir() / name.removeprefix(SWAGGER_PREFIX)
    return STATIC / name


@lru_cache(maxsize=64)
def content_hash(name: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (files do not change while serving)."""
    return hashlib.sha256(_file(name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """``/static/NAME?v=HASH`` for a file under the static folder (or ``swagger-ui/``)."""
    return f"/static/{name}?v={content_hash(name)}"


def cache_control(path: str, version: str | None) -> str:
    """The Cache-Control of a static response: a year when the URL names the current
    content, else revalidate each time (an old or missing hash)."""
    name = path.removeprefix("/static/")
    try:
        current = content_hash(name)
    except OSError:
        return "no-cache"
    return f"public, max-age={YEAR}, immutable" if version == current else "no-cache"
