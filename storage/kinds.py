"""The closed sets of words the archive stores: sources, check outcomes, error kinds, alerts.

Each is a ``StrEnum``, so a member *is* its stored string: columns, JSON and templates see
``"new-version"`` exactly as before, and a member compares equal to its string. Storage
does not know the crawler: the app maps the crawler's error kinds and extraction reasons
to :class:`ErrorKind` (``policywatch.checking.pipeline.check_error_kind``).
"""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """Where a capture came from."""

    LIVE = "live"
    WAYBACK = "wayback"


class Outcome(StrEnum):
    """What one check came to."""

    NEW_VERSION = "new-version"    # a text not seen before became a version
    UNCHANGED = "unchanged"        # a body was fetched; its text is a version already
    NOT_MODIFIED = "not-modified"  # 304 to a conditional GET
    ERROR = "error"                # nothing usable: see the check's ErrorKind


class ErrorKind(StrEnum):
    """Why a check is an ``error``: a fetch failure, or why a fetched body is not the policy."""

    # Fetching failed (live).
    CONNECT = "connect"
    TIMEOUT = "timeout"
    HTTP_STATUS = "http-status"
    REDIRECTS = "redirects"
    REDIRECT_LOOP = "redirect-loop"
    TOO_LARGE = "too-large"
    UNSUPPORTED_CONTENT = "unsupported-content"
    ROBOTS = "robots"
    DECODING = "decoding"
    INVALID_URL = "invalid-url"
    BLOCKED_ADDRESS = "blocked-address"
    # Fetching failed (Wayback Machine).
    WAYBACK = "wayback"
    RATE_LIMITED = "rate-limited"
    WAYBACK_UNAVAILABLE = "wayback-unavailable"
    BLOCKED = "blocked"
    NO_MEMENTO = "no-memento"
    PLAYBACK = "playback"
    # Rendering in a browser failed (it crashed or could not start; a page that never
    # settles is a ``timeout``).
    RENDER = "render"
    # Not the site's doing: an unexpected error of policywatch itself (logged with its
    # traceback); recorded so one policy's bug never stops a batch of checks.
    INTERNAL = "internal"
    # A body was fetched but gave no policy text: the policy's own selectors...
    SELECT_NO_MATCH = "select-no-match"
    BAD_SELECTOR = "bad-selector"
    # ... the page is not the policy ...
    EMPTY = "empty"
    NOT_FOUND = "not-found"
    ERROR_PAGE = "error-page"
    BOT_WALL = "bot-wall"
    JS_REQUIRED = "js-required"
    REDIRECT = "redirect"
    PARKED = "parked"
    # ... or the body cannot be read.
    UNDECODABLE = "undecodable"
    UNPARSABLE = "unparsable"
    BAD_PDF = "bad-pdf"
    ENCRYPTED_PDF = "encrypted-pdf"
    # ... or the page is a script shell whose text only a browser can build: none is
    # installed, or (an archived capture) the archive lacks the data the script loads.
    NEEDS_BROWSER = "needs-browser"
    ARCHIVE_INCOMPLETE = "archive-incomplete"
    # Written before the reason was stored (any of the rejections above); read, never written.
    NOT_A_POLICY = "not-a-policy"

    @property
    def rejected(self) -> bool:
        """A body was fetched and kept, but it gave no policy text."""
        return self in _REJECTIONS

    @property
    def user_settings(self) -> bool:
        """The policy's own settings are wrong (its selectors), not the site: the user fixes it."""
        return self in _USER_SETTINGS

    @property
    def explanation(self) -> str:
        """The kind in plain words, for the CLI, the web UI and alerts."""
        return _EXPLANATIONS.get(self, self.value)


_USER_SETTINGS = frozenset({ErrorKind.SELECT_NO_MATCH, ErrorKind.BAD_SELECTOR})
_REJECTIONS = _USER_SETTINGS | frozenset({
    ErrorKind.EMPTY, ErrorKind.NOT_FOUND, ErrorKind.ERROR_PAGE, ErrorKind.BOT_WALL,
    ErrorKind.JS_REQUIRED, ErrorKind.REDIRECT, ErrorKind.PARKED, ErrorKind.UNDECODABLE,
    ErrorKind.UNPARSABLE, ErrorKind.BAD_PDF, ErrorKind.ENCRYPTED_PDF, ErrorKind.NOT_A_POLICY,
    ErrorKind.NEEDS_BROWSER, ErrorKind.ARCHIVE_INCOMPLETE,
})
_EXPLANATIONS = {
    ErrorKind.CONNECT: "the site could not be reached",
    ErrorKind.TIMEOUT: "the site did not answer in time",
    ErrorKind.HTTP_STATUS: "the site answered with an error status",
    ErrorKind.REDIRECTS: "the page redirects too many times",
    ErrorKind.REDIRECT_LOOP: "the page redirects in a loop",
    ErrorKind.TOO_LARGE: "the page is too large",
    ErrorKind.UNSUPPORTED_CONTENT: "the page is neither HTML, PDF nor plain text",
    ErrorKind.ROBOTS: "robots.txt disallows fetching the page",
    ErrorKind.DECODING: "the page's compressed body is corrupt",
    ErrorKind.INVALID_URL: "the policy's URL cannot be fetched",
    ErrorKind.BLOCKED_ADDRESS: "the policy's address is not a public one",
    ErrorKind.WAYBACK: "the Wayback Machine answered with an error",
    ErrorKind.RATE_LIMITED: "the Wayback Machine is rate-limiting us",
    ErrorKind.WAYBACK_UNAVAILABLE: "the Wayback Machine is unavailable",
    ErrorKind.BLOCKED: "the Wayback Machine excludes the site",
    ErrorKind.NO_MEMENTO: "the Wayback Machine has no such capture",
    ErrorKind.PLAYBACK: "the Wayback Machine could not replay the capture",
    ErrorKind.SELECT_NO_MATCH: "your selector matches nothing on the page",
    ErrorKind.BAD_SELECTOR: "your selector is not valid CSS",
    ErrorKind.EMPTY: "the page has (almost) no text",
    ErrorKind.NOT_FOUND: "the page says it was not found",
    ErrorKind.ERROR_PAGE: "the page is a server or access error page",
    ErrorKind.BOT_WALL: "the site showed a bot check instead of the policy",
    ErrorKind.JS_REQUIRED: "the page needs JavaScript to show its text",
    ErrorKind.REDIRECT: "the page only redirects elsewhere",
    ErrorKind.PARKED: "the domain is parked or for sale",
    ErrorKind.UNDECODABLE: "the page is binary, not text",
    ErrorKind.UNPARSABLE: "the page's HTML cannot be parsed",
    ErrorKind.BAD_PDF: "the PDF cannot be read",
    ErrorKind.ENCRYPTED_PDF: "the PDF is encrypted",
    ErrorKind.NOT_A_POLICY: "the page fetched is not the policy",
    ErrorKind.RENDER: "the browser rendering the page failed",
    ErrorKind.NEEDS_BROWSER: "needs a browser: install policywatch[browser] and chromium",
    ErrorKind.ARCHIVE_INCOMPLETE: "the archive lacks the data the page's script loads",
    ErrorKind.INTERNAL: "policywatch hit an unexpected error (logged; please report it)",
}


class RenderMode(StrEnum):
    """When a live check renders a policy's page in a headless browser."""

    AUTO = "auto"      # only when the plain fetch is a script shell (and a browser exists)
    NEVER = "never"    # never: the plain body is the snapshot
    ALWAYS = "always"  # every check that fetches a new body (or whose rendering is due)


class Rendering(StrEnum):
    """How a snapshot's body was obtained, and what a check chose."""

    PLAIN = "plain"        # the HTTP body as fetched
    RENDERED = "rendered"  # the DOM a browser built (the plain body kept beside it)
    REUSED = "reused"      # a check only: an unchanged shell, its last rendering stands


class AlertKind(StrEnum):
    """What an alert is about (``docs/alerts.md`` says when each is sent)."""

    CHANGE = "change"        # a policy's text changed substantively
    BROKEN = "broken"        # tracking a policy stopped working
    RECOVERED = "recovered"  # ... and works again
    TEST = "test"            # ``policywatch alerts test``
    MOVED = "moved"          # the policy moved to another URL (old, new, how it was found)
