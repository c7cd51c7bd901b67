"""Refresh the README's screenshots of the web UI with Debian's Chromium (Playwright).

    python scripts/screenshots.py http://127.0.0.1:8000 docs/

Point it at any running ``policywatch serve`` with a policy named by ``--policy`` (default
the demo's first policy with two versions or more). Writes screenshot.png (a diff, ``--diff``),
screenshot-dashboard.png, screenshot-policy.png (chart and calendar) and
screenshot-phone.png (the policy page at 390 px).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="where policywatch serve runs, e.g. http://127.0.0.1:8000")
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--policy", help="slug of the policy to show (default: the one with most versions)")
    parser.add_argument("--diff", default="from=1&to=2", help="the versions of the diff shown (query string)")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    try:
        policies = httpx.get(base + "/api/v1/policies", timeout=30).json()
    except (httpx.HTTPError, ValueError) as exc:
        print(f"error: cannot read {base}/api/v1/policies: {exc}", file=sys.stderr)
        return 1
    if not policies:
        print(f"error: {base} tracks no policy", file=sys.stderr)
        return 1
    slug = args.policy or max(policies, key=lambda p: p["versions"])["slug"]
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        page.screenshot(path=str(args.out / "screenshot-dashboard.png"))
        page.goto(f"{base}/policies/{slug}")
        page.locator("section.chart-box").scroll_into_view_if_needed()
        page.screenshot(path=str(args.out / "screenshot-policy.png"), full_page=False,
                        clip={"x": 0, "y": 0, "width": 1280, "height": 1400})
        page.goto(f"{base}/policies/{slug}/diff?{args.diff}")
        page.screenshot(path=str(args.out / "screenshot.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/policies/{slug}")
        page.screenshot(path=str(args.out / "screenshot-phone.png"))
        browser.close()
    print(f"screenshots of {slug} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
