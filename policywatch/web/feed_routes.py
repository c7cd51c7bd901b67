"""Atom feeds over HTTP: /feeds/changes.atom and /feeds/{slug}.atom."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from policywatch.feeds import changes_feed
from policywatch.web.auth import archive_of, require_reader, settings_of

router = APIRouter(prefix="/feeds", tags=["feeds"], dependencies=[Depends(require_reader)])

ATOM = "application/atom+xml; charset=utf-8"


@router.get("/changes.atom", summary="Atom feed of changes across all policies")
def all_changes(request: Request) -> Response:
    return Response(changes_feed(archive_of(request), settings_of(request)), media_type=ATOM)


@router.get("/{slug}.atom", summary="Atom feed of one policy's changes")
def policy_changes(request: Request, slug: str) -> Response:
    return Response(changes_feed(archive_of(request), settings_of(request), slug), media_type=ATOM)
