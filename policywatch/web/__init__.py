"""The web UI and REST API (FastAPI + Jinja2); ``create_app`` builds the application."""

from policywatch.web.app import create_app

__all__ = ["create_app"]
