"""Privacy-policy link discovery on realistic homepages (tests/crawler/data/live/)."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import (
    DiscoveryError,
    LiveFetcher,
    PolicyCandidate,
    best_policy_link,
    find_policy_links,
)
from crawler.addresses import AddressPolicy
from tests.fakes.site import FakeSite

DATA = Path(__file__).parent / "data" / "live"


def homepage(name: str) -> bytes:
    return (DATA / name).read_bytes()


def urls(candidates: list[PolicyCandidate]) -> list[str]:
    return [c.url for c in candidates]


def test_footer_policy_beats_third_party_and_opt_out_links() -> None:
    candidates = find_policy_links(homepage("shop_home.html"), "https://www.northwind.example/")

    best = candidates[0]
    assert best.url == "https://www.northwind.example/legal/privacy-policy"
    assert best.text == "Privacy Policy"
    assert "footer" in best.reason and "same site" in best.reason
    found = urls(candidates)
    # reCAPTCHA's "Google Privacy Policy" in the newsletter fine print is a decoy.
    google = found.index("https://policies.google.com/privacy")
    assert google > 0
    assert "another site" in candidates[google].reason
    # Opt-out controls are never preferred to the policy, and never outrank a cookie policy.
    assert "https://www.northwind.example/privacy/do-not-sell" not in found[:2]
    choices = [c for c in candidates if c.url.endswith("/privacy/choices")]
    assert not choices or choices[0].score < best.score / 2
    assert not any(u.startswith(("mailto:", "javascript:")) for u in found)


def test_base_href_resolves_relative_links_and_decoys_rank_lower() -> None:
    candidates = find_policy_links(homepage("news_home.html"), "https://dailyledger.example/")

    assert candidates[0].url == "https://www.dailyledger.example/en/privacy-notice.html"
    found = urls(candidates)
    settings = "https://www.dailyledger.example/en/account/privacy-settings"
    article = "https://www.dailyledger.example/en/tech/2026/11/why-privacy-laws-keep-changing"
    for decoy in (settings, article,
                  "https://www.dailyledger.example/en/california-privacy-notice.html",
                  "https://subscribe.dailyledger.example/privacy-request"):
        if decoy in found:
            assert found.index(decoy) > 0
    by_url = {c.url: c for c in candidates}
    assert "penalised" in by_url[settings].reason if settings in by_url else True
    assert all(not u.endswith("#top") for u in found)


def test_german_homepage_in_windows_1252() -> None:
    best = best_policy_link(homepage("bakery_home_de.html"), "https://baeckerei-mueller.example/")

    assert best.url == "https://baeckerei-mueller.example/datenschutz"
    assert best.text == "Datenschutzerklärung"
    assert "German" in best.reason


def test_french_homepage_with_a_cookie_panel_link() -> None:
    candidates = find_policy_links(homepage("studio_home_fr.html"),
                                   "https://atelier-lumiere.example/")

    assert urls(candidates) == ["https://atelier-lumiere.example/politique-de-confidentialite"]
    assert "French" in candidates[0].reason


def test_rel_privacy_policy_and_url_evidence_when_the_text_says_little() -> None:
    candidates = find_policy_links(homepage("saas_home.html"), "https://tallyhook.example/")

    best = candidates[0]
    assert best.url == "https://tallyhook.example/policies/privacy"
    assert "rel=\"privacy-policy\"" in best.reason
    assert best.text == "Policies"
    docs = [c for c in candidates if "docs.tallyhook.example" in c.url]
    blog = [c for c in candidates if "/blog/" in c.url]
    assert all(c.score < best.score for c in docs + blog)


def test_no_policy_link_gives_no_candidates() -> None:
    page = homepage("portfolio_home_nolink.html")

    assert find_policy_links(page, "https://rivera.example/") == []
    with pytest.raises(DiscoveryError) as caught:
        best_policy_link(page, "https://rivera.example/")
    assert caught.value.kind == "discovery"
    assert "rivera.example" in str(caught.value)


def test_same_site_beats_an_identical_link_elsewhere() -> None:
    html = """<html><body><footer>
      <a href="https://partner.example/privacy-policy">Privacy Policy</a>
      <a href="/privacy-policy">Privacy Policy</a>
    </footer></body></html>"""

    candidates = find_policy_links(html, "https://shop.example/")

    assert urls(candidates)[0] == "https://shop.example/privacy-policy"


def test_subdomain_policy_counts_as_same_site() -> None:
    html = """<html><body><footer>
      <a href="https://privacy.bigco.example/statement">Privacy Statement</a>
      <a href="https://www.other.example/privacy">Privacy</a>
    </footer></body></html>"""

    best = best_policy_link(html, "https://www.bigco.example/")

    assert best.url == "https://privacy.bigco.example/statement"
    assert "same site" in best.reason


def test_only_an_off_site_policy_is_still_found() -> None:
    html = """<html><body><footer><a href="https://policies.parent.example/privacy">Privacy</a>
    </footer></body></html>"""

    candidates = find_policy_links(html, "https://brand.example/")

    assert urls(candidates) == ["https://policies.parent.example/privacy"]


def test_a_legal_hub_is_the_fallback_when_no_link_names_privacy() -> None:
    html = """<html><body><footer><a href="/legal">Legal</a> <a href="/impressum">Impressum</a>
      <a href="/terms">Terms of Service</a></footer></body></html>"""

    candidates = find_policy_links(html, "https://tool.example/")

    assert urls(candidates) == ["https://tool.example/legal"]
    assert "legal page" in candidates[0].reason
    with_policy = html.replace("</footer>", '<a href="/privacy">Privacy</a></footer>')
    assert urls(find_policy_links(with_policy, "https://tool.example/"))[0] \
        == "https://tool.example/privacy"


def test_link_repeated_in_header_and_footer_is_listed_once() -> None:
    html = """<html><body><nav><a href="/privacy">Privacy</a></nav>
      <footer><a href="/privacy#top">Privacy Policy</a></footer></body></html>"""

    candidates = find_policy_links(html, "https://site.example/")

    assert urls(candidates) == ["https://site.example/privacy"]
    assert "linked 2 times" in candidates[0].reason


def test_hidden_links_and_scripts_are_not_preferred() -> None:
    html = """<html><body>
      <div style="display: none"><a href="/old-privacy-policy">Privacy Policy</a></div>
      <footer><a href="/privacy">Privacy Policy</a>
      <a href="javascript:openPrivacy()">Privacy Policy</a>
      <a href="mailto:dpo@site.example">Privacy Policy questions</a></footer></body></html>"""

    candidates = find_policy_links(html, "https://site.example/")

    assert urls(candidates)[0] == "https://site.example/privacy"
    assert len(candidates) == 2
    assert "hidden" in candidates[1].reason


def test_candidates_are_sorted_and_explained() -> None:
    candidates = find_policy_links(homepage("shop_home.html"), "https://www.northwind.example/")

    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(c.reason and c.score > 0 for c in candidates)
    with pytest.raises(AttributeError):
        candidates[0].score = 0  # type: ignore[misc]


def test_policy_pages_of_real_sites_point_to_a_policy_on_their_own_site(corpus: Path) -> None:
    """On live policy pages (OTA snapshots) that link to a privacy page, the best link is a
    privacy page of the same site, often the page itself; a page without any privacy
    link (some policy pages link nowhere) gets a typed DiscoveryError, never a foreign link."""
    exact = linked = unlinked = 0
    for folder in sorted((corpus / "ota").iterdir()):
        meta = json.loads((folder / "meta.json").read_text())
        if meta["url"].rstrip("/").endswith("/legal"):
            continue  # one page holding several documents: no privacy link of its own
        snapshots = sorted((folder / "snapshots").glob("*.html.gz"))
        if not snapshots:
            continue
        body = gzip.decompress(snapshots[-1].read_bytes())
        if not find_policy_links(body, meta["url"]):
            with pytest.raises(DiscoveryError, match="no privacy-policy link"):
                best_policy_link(body, meta["url"])
            unlinked += 1
            continue
        best = best_policy_link(body, meta["url"])
        site = ".".join(meta["url"].split("/")[2].split(".")[-2:])
        linked += 1
        assert site in best.url.split("/")[2], (folder.name, best)
        words = (best.url + " " + best.text).lower()
        assert any(w in words for w in ("privacy", "datenschutz", "confidentialit")), \
            (folder.name, best)
        exact += best.url.rstrip("/") == meta["url"].rstrip("/")
    assert linked >= 5
    assert exact >= linked // 3     # often the page itself; else its site's main policy page


def test_discover_then_fetch_from_a_live_homepage(corpus: Path) -> None:
    policy = (corpus / "princeton" / "boardhost.com.html").read_bytes()
    with FakeSite() as site:
        site.add("/", homepage("shop_home.html").replace(
            b"/legal/privacy-policy", site.url("/legal/privacy-policy").encode()))
        site.add("/legal/privacy-policy", policy)

        async def discover() -> bytes:
            async with LiveFetcher(user_agent="policywatch-test/1.0", backoff=0.01,
                                   addresses=AddressPolicy(allow_private=True)) as fetcher:
                home = await fetcher.fetch(site.base_url)
                best = find_policy_links(home.body, home.final_url)[0]
                return (await fetcher.fetch(best.url)).body

        assert asyncio.run(discover()) == policy


LINK_TEXTS = st.sampled_from(["Privacy Policy", "Privacy settings", "Datenschutz", "", "Home",
                              "Do Not Sell", "Política de privacidad", "<b>x</b>"])
HREFS = st.one_of(st.sampled_from(["/privacy", "privacy.html", "#", "mailto:a@b.c",
                                   "javascript:void(0)", "https://other.example/privacy",
                                   "http://[broken", "//cdn.example/p", "  /x y ", "http://a:xx/"]),
                  st.text(max_size=30))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(HREFS, LINK_TEXTS), max_size=8), st.text(max_size=200))
def test_any_markup_gives_ranked_absolute_http_links(links: list[tuple[str, str]],
                                                    noise: str) -> None:
    anchors = "".join(f'<a href="{href}">{text}</a>' for href, text in links)
    html = f"<html><body>{noise}<footer>{anchors}</footer></body></html>"

    candidates = find_policy_links(html, "https://site.example/")

    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    for candidate in candidates:
        assert candidate.url.startswith(("http://", "https://"))
        assert "#" not in candidate.url
        assert candidate.score > 0 and candidate.reason
