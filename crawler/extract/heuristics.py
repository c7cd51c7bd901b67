"""Heuristics kept as data: tag sets, class/id words, button labels, error-page phrases.

Kept apart from the code that applies them (as trafilatura keeps its XPaths in
``xpaths.py``) so rules can be read and tuned in one place. Words are matched against
whole tokens of ``id``/``class`` values split on ``-``, ``_``, spaces and camelCase, never as
substrings: a policy's own ``cookie-policy`` or ``accordion-hidden`` section must survive.
"""

from __future__ import annotations

import re

# Elements whose content is never policy text.
DROP_TAGS: frozenset[str] = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "frame",
    "frameset", "object", "embed", "applet", "audio", "video", "source", "track", "picture",
    "map", "head", "title", "meta", "link", "base", "input", "select", "textarea", "button",
    "option", "optgroup", "datalist", "output", "progress", "meter",
})

# The Wayback Machine's replay toolbar (present when a capture is fetched without id_).
WAYBACK_TOOLBAR_IDS: frozenset[str] = frozenset({"wm-ipp-base", "wm-ipp", "wm-ipp-print",
                                                  "donato", "wm-capinfo"})

# Block-level elements (for whitespace normalisation and structure scoring).
BLOCK_TAGS: frozenset[str] = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "caption", "col", "colgroup", "br",
})

HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Landmark tags and ARIA roles that hold site furniture, not the document.
FURNITURE_TAGS: frozenset[str] = frozenset({"nav", "aside", "footer", "header"})
FURNITURE_ROLES: frozenset[str] = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
    "toolbar",
})
OVERLAY_ROLES: frozenset[str] = frozenset({"dialog", "alertdialog", "alert", "status"})

# id/class tokens naming site furniture. Deliberately absent: cookie, consent, banner,
# hidden, expandable, options, collapse, accordion, modal (a policy's own sections use them).
FURNITURE_WORDS: frozenset[str] = frozenset({
    "nav", "navbar", "navigation", "menu", "megamenu", "submenu", "menubar", "breadcrumb",
    "breadcrumbs", "sidebar", "sidenav", "share", "sharing", "social", "newsletter",
    "subscribe", "subscription", "related", "footer", "masthead", "skip", "skiplink",
    "pagination", "pager", "comments", "comment", "advert", "advertisement", "ads", "ad",
    "sponsor", "sponsored", "promo", "promotion", "carousel", "slider", "widget", "toolbar",
    "topbar", "utility", "signup", "login", "search", "searchbox", "feedback", "rating",
    "tags", "tagcloud", "byline", "author", "print", "language", "locale", "switcher",
})

# Tokens that mark an overlay (banner, popup) when the element also has consent buttons.
OVERLAY_WORDS: frozenset[str] = frozenset({
    "modal", "overlay", "popup", "popover", "dialog", "banner", "toast", "snackbar",
    "lightbox", "interstitial", "sticky", "fixed", "flyout", "drawer", "notice", "bar",
    "sdk", "cmp",
})

# Labels of the buttons a consent banner or popup offers (compared lowercased, trimmed),
# in the EU languages policies are written in.
CONSENT_ACTION = re.compile(
    r"^(?:i\s+)?(?:accept|agree|allow|reject|decline|deny|refuse|got\s+it|ok(?:ay)?|"
    r"understood|i\s+understand|confirm(?:\s+my)?\s+choices|save(?:\s+my)?\s+(?:choices|"
    r"preferences|settings)|manage|customi[sz]e|(?:cookie|privacy)\s+(?:settings|"
    r"preferences)|settings|preferences|more\s+options|necessary\s+only|only\s+necessary|"
    r"close|dismiss|continue|no,?\s+thanks|not\s+now|subscribe|sign\s+up|"
    # French
    r"accepter|tout\s+accepter|refuser|tout\s+refuser|tout\s+rejeter|fermer|param[ée]trer|"
    r"personnaliser|enregistrer|j'accepte|continuer\s+sans\s+accepter|r[ée]glages|"
    # German
    r"alle\s+akzeptieren|akzeptieren|alle\s+ablehnen|ablehnen|zustimmen|einverstanden|"
    r"schlie(?:ß|ss)en|einstellungen|speichern|auswahl\s+speichern|"
    # Spanish, Italian, Dutch
    r"aceptar|rechazar|cerrar|configurar|accetta|accetto|rifiuta|chiudi|impostazioni|"
    r"accepteren|weigeren|sluiten|instellingen)\b",
)

# Disclosure and page-tool labels: text of a control (button, ``role=button``, in-page or
# ``javascript:`` link, ``<summary>``), never of the policy. Matched only on controls.
WIDGET_LABEL = re.compile(
    r"^(?:see|show|view|hide|read)\s+(?:more|less|details|all|full(?:\s+\w+)?)$|"
    r"^(?:more|less|fewer)\s+(?:details|info(?:rmation)?)$|^(?:details|more|less)$|"
    r"^(?:expand|collapse|open|close)(?:\s+all)?(?:\s+sections)?$|"
    r"^(?:table\s+of\s+contents|contents|on\s+this\s+page|in\s+this\s+article|jump\s+to)$|"
    r"^(?:back\s+to\s+top|top|scroll\s+to\s+top|copy(?:\s+link)?|link\s+copied|"
    r"copy\s+to\s+clipboard|share|print(?:\s+this\s+page)?|download\s+pdf|toggle|menu)$|"
    r"^(?:mehr\s+anzeigen|weniger\s+anzeigen|details|inhaltsverzeichnis|nach\s+oben|"
    r"drucken|alle\s+(?:aufklappen|zuklappen)|voir\s+plus|voir\s+moins|afficher\s+plus|"
    r"sommaire|table\s+des\s+mati[èe]res|retour\s+en\s+haut|imprimer|"
    r"ver\s+m[áa]s|mostra\s+di\s+pi[ùu]|meer\s+weergeven|inhoudsopgave)$",
    re.I,
)

# A control with this label opens a table of contents: what it opens is navigation.
TOC_LABEL = re.compile(
    r"^(?:table\s+of\s+contents|contents|on\s+this\s+page|in\s+this\s+(?:article|page|"
    r"policy)|jump\s+to(?:\s+section)?|inhaltsverzeichnis|inhalt|sommaire|"
    r"table\s+des\s+mati[èe]res|[íi]ndice|indice|inhoudsopgave|inhoud)$",
    re.I,
)

# Form controls whose presence marks a consent preference centre (toggles per purpose).
TOGGLE_INPUT_TYPES: frozenset[str] = frozenset({"checkbox", "radio"})

# Skip links and "back to top" lines, dropped before anything else.
SKIP_LINK_TEXT = re.compile(r"^(?:skip\s+to\s+(?:main\s+)?content|skip\s+navigation|"
                            r"back\s+to\s+top|top\s+of\s+page|return\s+to\s+top)$", re.I)


def _starting_with(first: str, phrases: str) -> re.Pattern[str]:
    """``phrases`` (re.I) tried only where one of ``first``, the characters its matches start
    with, stands: a look-ahead for one character costs a fraction of trying every
    alternative at every position (tests/crawler/test_verdict_hints.py keeps ``first``
    complete)."""
    return re.compile(f"(?=[{first}]){phrases}", re.I)


# Not-a-policy detection: phrases in the title, first heading or (short) body text.
NOT_FOUND_PHRASES = _starting_with(
    "4cdefhlnps",
    r"\b(?:404|page\s+not\s+found|not\s+found|no\s+longer\s+(?:exists|available)|"
    r"page\s+(?:you\s+(?:requested|were\s+looking\s+for)|cannot\s+be\s+found|"
    r"doesn'?t\s+exist|does\s+not\s+exist|could\s+not\s+be\s+found)|"
    r"has\s+not\s+archived\s+that\s+url|seite\s+nicht\s+gefunden|page\s+introuvable|"
    r"p[áa]gina\s+no\s+encontrada|"
    # French, German, Spanish, Italian, Dutch (mektoube's 2025-11-18 version: "Cette page
    # n'existe pas")
    r"(?:cette\s+)?page\s+n['\u2019]existe\s+(?:pas|plus)|page\s+(?:non\s+trouv[ée]e|"
    r"inexistante|demand[ée]e\s+est\s+introuvable)|erreur\s+404|"
    r"(?:diese\s+)?seite\s+(?:existiert\s+nicht|wurde\s+nicht\s+gefunden|konnte\s+nicht\s+"
    r"gefunden\s+werden|ist\s+nicht\s+(?:mehr\s+)?verf[üu]gbar)|fehler\s+404|"
    r"(?:la\s+)?p[áa]gina\s+(?:no\s+existe|que\s+buscas\s+no)|error\s+404|"
    r"pagina\s+non\s+(?:trovata|esiste|disponibile)|errore\s+404|"
    r"pagina\s+(?:niet\s+gevonden|bestaat\s+niet)|deze\s+pagina\s+bestaat\s+niet)\b",
)
ERROR_PAGE_PHRASES = _starting_with(
    "45abdefgirstuwz",
    r"\b(?:(?:500\s+)?internal\s+server\s+error|502\s+bad\s+gateway|bad\s+gateway|"
    r"503\s+service\s+(?:temporarily\s+)?unavailable|service\s+unavailable|"
    r"gateway\s+time-?out|403\s+forbidden|^forbidden$|access\s+denied|"
    r"an\s+error\s+(?:has\s+)?occurred|server\s+error|site\s+(?:is\s+)?(?:under\s+)?"
    r"maintenance|temporarily\s+unavailable|error\s+(?:4|5)\d\d|database\s+error|"
    r"runtime\s+error|"
    # French, German, Spanish, Italian, Dutch
    r"erreur\s+(?:interne\s+du\s+serveur|serveur)|service\s+(?:temporairement\s+)?indisponible|"
    r"une\s+erreur\s+(?:est\s+survenue|s['\u2019]est\s+produite)|site\s+en\s+maintenance|acc[èe]s\s+refus[ée]|"
    r"interner\s+serverfehler|dienst\s+(?:vor[üu]bergehend\s+)?nicht\s+verf[üu]gbar|"
    r"ein\s+fehler\s+ist\s+aufgetreten|wartungsarbeiten|zugriff\s+verweigert|"
    r"error\s+interno\s+del\s+servidor|servicio\s+no\s+disponible|se\s+ha\s+producido\s+un\s+error|"
    r"acceso\s+denegado|errore\s+interno\s+del\s+server|servizio\s+non\s+disponibile|"
    r"si\s+[èe]\s+verificato\s+un\s+errore|accesso\s+negato|in\s+manutenzione|"
    r"interne\s+serverfout|dienst\s+niet\s+beschikbaar|er\s+is\s+een\s+fout\s+opgetreden|"
    r"toegang\s+geweigerd)\b",
)
BOT_WALL_PHRASES = _starting_with(
    "acdeijnprstuv\u00bf\u00ea\u00fc",
    r"(?:just\s+a\s+moment\.\.\.|attention\s+required!?\s*\|\s*cloudflare|"
    r"checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser)|"
    r"verify(?:ing)?\s+(?:you\s+are|that\s+you\s+are)\s+(?:a\s+)?human|"
    r"are\s+you\s+a\s+(?:robot|human)|i'?m\s+not\s+a\s+robot|"
    r"enable\s+javascript\s+and\s+cookies\s+to\s+continue|"
    r"access\s+to\s+this\s+page\s+has\s+been\s+denied|pardon\s+our\s+interruption|"
    r"request\s+unsuccessful\.\s+incapsula|press\s+&\s+hold|please\s+complete\s+the\s+"
    r"security\s+check|ddos\s+protection\s+by|unusual\s+traffic\s+from\s+your|"
    r"solve\s+(?:the|this)\s+captcha|complete\s+the\s+captcha|"
    # French, German, Spanish, Italian, Dutch
    r"v[ée]rification\s+(?:de\s+s[ée]curit[ée]\s+)?en\s+cours|v[ée]rifi(?:ez|er)\s+que\s+vous\s+"
    r"(?:[êe]tes|n['\u2019][êe]tes\s+pas)\s+(?:un\s+)?(?:humain|robot)|[êe]tes-vous\s+un\s+robot|"
    r"je\s+ne\s+suis\s+pas\s+un\s+robot|trafic\s+inhabituel|"
    r"einen\s+moment\s+bitte|sicherheits[üu]berpr[üu]fung|[üu]berpr[üu]fung,?\s+ob\s+sie\s+ein\s+mensch|"
    r"sind\s+sie\s+ein\s+(?:roboter|mensch)|ich\s+bin\s+kein\s+roboter|ungew[öo]hnlicher\s+datenverkehr|"
    r"verificando\s+(?:que\s+)?(?:eres|es)\s+humano|no\s+soy\s+un\s+robot|\u00bferes\s+un\s+robot|"
    r"verifica\s+(?:che\s+)?(?:sei|tu\s+sia)\s+(?:un\s+)?umano|non\s+sono\s+un\s+robot|"
    r"controleren\s+of\s+u\s+een\s+mens\s+bent|ik\s+ben\s+geen\s+robot)",
)
BOT_WALL_MARKERS = re.compile(
    r"(?:cf-browser-verification|cf_chl_|challenge-platform|g-recaptcha|h-captcha|"
    r"px-captcha|_incapsula_resource|distil_r_captcha|datadome|captcha-delivery)",
    re.I,
)
JS_REQUIRED_PHRASES = re.compile(
    r"(?:you\s+need\s+to\s+enable\s+javascript|please\s+enable\s+javascript|"
    r"javascript\s+(?:is\s+)?(?:required|disabled)|requires\s+javascript|"
    r"(?:veuillez\s+)?activer\s+javascript|javascript\s+(?:est\s+)?(?:requis|n[ée]cessaire|d[ée]sactiv[ée])|"
    r"javascript\s+(?:aktivieren|ist\s+deaktiviert|wird\s+ben[öo]tigt)|aktivieren\s+sie\s+javascript|"
    r"habilit(?:a|e)\s+javascript|activa\s+javascript|abilita(?:re)?\s+javascript|"
    r"javascript\s+inschakelen|schakel\s+javascript\s+in)",
    re.I,
)
# Lowercase words one of which every BOT_WALL_MARKERS match holds, found by a substring
# scan of the lowercased HTML: a page without any is not searched with the whole pattern,
# whose alternatives cost a try at every character (5 ms on 30 KB of a short page's HTML).
# The characters that re.I also matches as ASCII letters lowercase to other strings: a page
# holding one is searched with the pattern. (tests/crawler/test_verdict_hints.py)
BOT_WALL_MARKER_WORDS = ("captcha", "cf-browser-verification", "cf_chl_", "challenge-platform",
                         "_incapsula_resource", "datadome")
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"      # İ ı ſ K (Kelvin)
# Every JS_REQUIRED_PHRASES match is "javascript" among letters and whitespace only.
JS_REQUIRED_HINT = re.compile("javascript", re.I)
REDIRECT_PHRASES = re.compile(
    r"(?:^|\n)[\s\[*_#>]*(?:redirecting\b|you\s+are\s+being\s+redirected|"
    r"redirection\s+en\s+cours|vous\s+allez\s+[êe]tre\s+redirig[ée]|sie\s+werden\s+"
    r"weitergeleitet|redirigiendo|ser[áa]s?\s+redirigido|reindirizzamento|u\s+wordt\s+doorgestuurd|"
    r"this\s+page\s+has\s+moved|"
    r"(?:page|document)\s+has\s+(?:been\s+)?moved\s+to|click\s+here\s+if\s+you\s+are\s+not\s+"
    r"redirected|moved\s+permanently|object\s+moved)",
    re.I,
)
REDIRECT_MARKUP = re.compile(
    r"(?:>\s*(?:redirecting\b|you\s+are\s+being\s+redirected|click\s+here\s+if\s+you\s+are\s+"
    r"not\s+redirected|object\s+moved|moved\s+permanently)|<meta[^>]+http-equiv\s*=\s*[\"']?"
    r"refresh[^>]+url\s*=)",
    re.I,
)
PARKED_PHRASES = _starting_with(
    "bcdepqt",
    r"(?:this\s+domain\s+(?:name\s+)?(?:is|may\s+be)\s+for\s+sale|buy\s+this\s+domain|"
    r"domain\s+(?:is\s+)?parked|parked\s+free|ce\s+(?:nom\s+de\s+)?domaine\s+est\s+[àa]\s+vendre|"
    r"diese\s+domain\s+(?:steht\s+zum\s+verkauf|kaufen)|este\s+dominio\s+est[áa]\s+en\s+venta|"
    r"questo\s+dominio\s+[èe]\s+in\s+vendita|dit\s+domein\s+is\s+te\s+koop)",
)

# Below this many words of extracted text a capture is not a policy.
MIN_POLICY_WORDS = 40
# Error, bot-wall and parking phrases only decide when the text is at most this long.
SHORT_PAGE_WORDS = 400
