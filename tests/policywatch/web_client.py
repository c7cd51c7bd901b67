"""The web app over a test database, as the web tests drive it (FastAPI's TestClient)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive

TEST_SERVER = "http://testserver"


def web_client(archive: Archive, db_url: str, *, public_url: str = TEST_SERVER,
               **settings: object) -> TestClient:
    """A client of the app over ``archive``; a server error is answered (500), not raised."""
    app = create_app(Settings(database_url=db_url, public_url=public_url, **settings), archive)
    return TestClient(app, raise_server_exceptions=False)
