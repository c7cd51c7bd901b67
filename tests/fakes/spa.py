"""A script-built policy (a single-page app) for the fake site and the fake Wayback.

``SHELL`` is what a plain fetch sees: a ``<div id="root">``, a ``<noscript>`` asking for
JavaScript and a bundle. ``APP_JS`` fetches ``policy.json`` (relative to the page, so the
same bundle works live and inside an archive's replay) and builds headings, paragraphs
and a list from it; with ``?delay=MS`` in the page URL it waits that long first.
``RESTLESS`` is a page whose text never stops changing.
"""

from __future__ import annotations

import json

from tests.fakes.site import FakeSite

SHELL = """<!DOCTYPE html>
<html><head><title>Privacy | Example App</title><script src="app.js" defer></script></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"><div class="spinner">Loading...</div></div>
<img src="logo.png" alt=""><script src="https://www.google-analytics.com/analytics.js"></script>
</body></html>"""

APP_JS = """
(function () {
  var wait = Number(new URLSearchParams(location.search).get('delay') || 0);
  fetch('policy.json').then(function (r) { return r.json(); }).then(function (data) {
    setTimeout(function () {
      var root = document.getElementById('root');
      root.innerHTML = '';
      var h1 = document.createElement('h1'); h1.textContent = data.title; root.appendChild(h1);
      data.sections.forEach(function (s) {
        var h2 = document.createElement('h2'); h2.textContent = s.heading; root.appendChild(h2);
        s.paragraphs.forEach(function (t) {
          var p = document.createElement('p'); p.textContent = t; root.appendChild(p);
        });
        if (s.items) {
          var ul = document.createElement('ul');
          s.items.forEach(function (t) {
            var li = document.createElement('li'); li.textContent = t; ul.appendChild(li);
          });
          root.appendChild(ul);
        }
      });
    }, wait);
  });
})();
"""

RESTLESS = """<!DOCTYPE html><html><head><title>Ticker</title></head><body>
<noscript>Please enable JavaScript.</noscript><div id="root"></div>
<script>var n = 0; setInterval(function () {
  document.getElementById('root').textContent = 'tick '.repeat(++n % 50 + 1); }, 100);</script>
</body></html>"""


def policy_data(marker: str = "two years") -> dict[str, object]:
    """The policy the bundle builds; ``marker`` is a phrase that changes between versions."""
    para = ("Example App collects the name, email address and device identifiers you give "
            "us when you create an account, and uses them to run the service. ")
    return {
        "title": "Example App Privacy Policy",
        "sections": [
            {"heading": "What we collect", "paragraphs": [para * 3],
             "items": ["Account details you enter", "Usage logs kept for security",
                       "Payment records required by law"]},
            {"heading": "How long we keep it",
             "paragraphs": [f"We keep account data for {marker} after you close your "
                            "account, then delete it. " + para * 2]},
            {"heading": "Your rights",
             "paragraphs": ["You may ask for a copy of your data, its correction or its "
                            "deletion by writing to privacy@example.app. " + para * 2]},
        ],
    }


def serve_app(site: FakeSite, directory: str = "/app/", *, marker: str = "two years") -> str:
    """Install the shell at ``directory`` with its bundle and data; returns the page URL."""
    site.add(directory, SHELL, etag=True)
    site.add(directory + "app.js", APP_JS, content_type="application/javascript")
    site.add(directory + "policy.json", json.dumps(policy_data(marker)),
             content_type="application/json")
    return site.url(directory)
