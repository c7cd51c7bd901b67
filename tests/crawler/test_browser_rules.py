"""Which requests a rendering page may make, and how an archive's replay is undone."""

from __future__ import annotations

from crawler.browser import block_reason, is_tracker, original_url, strip_replay


def test_images_fonts_and_media_are_refused_documents_and_scripts_are_not() -> None:
    for kind in ("image", "font", "media"):
        assert block_reason("https://example.com/a", kind) is not None
    for kind in ("document", "script", "xhr", "fetch", "stylesheet"):
        assert block_reason("https://example.com/a", kind) is None


def test_trackers_are_refused_by_host_and_subdomain_only() -> None:
    assert is_tracker("www.google-analytics.com") and is_tracker("google-analytics.com")
    assert not is_tracker("notgoogle-analytics.com")
    assert block_reason("https://connect.facebook.net/sdk.js", "script") == "tracker"


def test_inline_urls_pass_and_other_schemes_are_refused() -> None:
    assert block_reason("data:text/plain,hi", "fetch") is None
    assert block_reason("ftp://example.com/x", "fetch") is not None


def test_an_archive_replay_may_only_reach_the_archive() -> None:
    archive = "http://127.0.0.1:8080"
    assert block_reason("http://127.0.0.1:8080/web/2020id_/x", "fetch", only_origin=archive) is None
    assert block_reason("https://api.example.com/policy.json", "fetch",
                        only_origin=archive) == "outside the archive"


def test_rewritten_urls_are_put_back() -> None:
    assert original_url("/web/20200101000000/https://example.com/a") == "https://example.com/a"
    assert original_url("https://web.archive.org/web/20200101000000im_/http://x.org/i.png") == \
        "http://x.org/i.png"
    assert original_url("https://example.com/b") == "https://example.com/b"


def test_the_archive_toolbar_and_scripts_are_removed() -> None:
    page = ("<html><head><script src='/_static/js/wombat.js'></script>"
            "<script>__wm.init('https://web.archive.org/web');</script></head><body>"
            "<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp-base'>toolbar</div>"
            "<!-- END WAYBACK TOOLBAR INSERT -->"
            "<p>Text <a href='/web/20200101000000/https://example.com/terms'>terms</a></p>"
            "<script src='/web/20200101000000js_/https://example.com/app.js'></script>"
            "</body></html>")
    clean = strip_replay(page)
    assert "wombat" not in clean and "__wm" not in clean and "toolbar" not in clean
    assert 'href="https://example.com/terms"' in clean
    assert 'src="https://example.com/app.js"' in clean
