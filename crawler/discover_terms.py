"""Words that mark a privacy-policy link, and words that mark a decoy, as data.

Patterns are matched against lowercased text with accents removed ("confidentialité" ->
"confidentialite"). Each entry: (regex, weight, human explanation). Weights add up; see
``crawler.discover`` for how they combine with the URL, the site and the link's place.
"""

from __future__ import annotations

import re

Term = tuple[re.Pattern[str], float, str]


def _terms(*entries: tuple[str, float, str]) -> tuple[Term, ...]:
    return tuple((re.compile(pattern), weight, why) for pattern, weight, why in entries)


# Anchor text (plus title / aria-label / image alt). The best match counts, not the sum.
TEXT_TERMS = _terms(
    (r"\bprivacy\s*(and|&|\+)?\s*(cookies?\s*)?(policy|notice|statement|pledge|charter"
     r"|information|policies|commitment)\b", 10, "names the privacy policy"),
    (r"\bdata\s+(protection|privacy)\s+(policy|notice|statement|declaration|information)\b",
     9, "names the data-protection notice"),
    (r"\bprivacy\b", 6, "mentions privacy"),
    (r"\bdata\s+protection\b", 6, "mentions data protection"),
    (r"\bpersonal\s+(data|information)\b", 3, "mentions personal data"),
    (r"\bcookies?\s+(policy|notice|statement)\b", 3, "names the cookie policy"),
    # A bare "Legal" hub often holds the policy when no link names it (buffer.com/legal).
    (r"^(legal|legal (center|centre|hub|information|info|documents|terms)|policies"
     r"|legal (and|&) policies|policies (and|&) terms)$", 2,
     "is a legal page that may hold the policy"),
    # Other languages: the name of the policy is as good as "privacy policy"; a bare word
    # weighs less, as the app asks for English pages first.
    (r"datenschutz(erklarung|hinweise?|richtlinien?|bestimmungen|information(en)?|politik)",
     9, "German for privacy policy"),
    (r"\bpolitique\s+(de\s+)?(confidentialite|protection\s+des\s+donnees(\s+personnelles)?"
     r"|vie\s+privee|donnees\s+personnelles|cookies\s+et\s+confidentialite)\b"
     r"|\bcharte\s+(de\s+)?(la\s+)?(vie\s+privee|confidentialite|(protection\s+des\s+)?donnees"
     r"(\s+personnelles)?)\b|\bdeclaration\s+de\s+confidentialite\b", 9, "French for privacy policy"),
    (r"\b(politica|aviso|declaracion)\s+de\s+(privacidad|proteccion\s+de\s+datos)\b", 9,
     "Spanish for privacy policy"),
    (r"\b(informativa|politica|dichiarazione)\s+(sulla\s+|per\s+la\s+|di\s+)?(privacy|riservatezza"
     r"|protezione\s+dei\s+dati(\s+personali)?)\b|\btrattamento\s+dei\s+dati\s+personali\b", 9,
     "Italian for privacy policy"),
    (r"\b(privacyverklaring|privacybeleid|privacyreglement|privacy\s+(verklaring|beleid))\b", 9,
     "Dutch for privacy policy"),
    (r"datenschutz", 5, "German for data protection"),
    (r"\bvie\s+privee\b|\bprotection\s+des\s+donnees\b", 5, "French for privacy"),
    (r"\bproteccion\s+de\s+datos\b", 5, "Spanish for data protection"),
    (r"\bprotezione\s+dei\s+dati\b", 5, "Italian for data protection"),
    (r"\bgegevensbescherming\b|\bpersoonsgegevens\b", 4, "Dutch for data protection"),
    (r"\bconfidentialite\b|\bdonnees personnelles\b", 5, "French for privacy"),
    (r"\bprivacidad\b", 5, "Spanish for privacy"),
    (r"\bprivacidade\b", 5, "Portuguese for privacy"),
    (r"\bprivacy(beleid|verklaring)\b", 5, "Dutch for privacy policy"),
    (r"\briservatezza\b", 5, "Italian for privacy"),
    (r"\bintegritet", 5, "Swedish for privacy"),
    (r"\bpersonvern", 5, "Norwegian for privacy"),
    (r"\bprivatliv", 5, "Danish for privacy"),
    (r"\btietosuoja", 5, "Finnish for data protection"),
    (r"\bprywatnosci\b|\bochrony danych\b", 5, "Polish for privacy"),
    (r"\bochrana osobnich udaju\b|\bochrana soukromi\b", 5, "Czech for privacy"),
    (r"\badatvedelm", 5, "Hungarian for data protection"),
    (r"\bgizlilik\b|\bkisisel veri", 5, "Turkish for privacy"),
    (r"конфиденциальн", 5, "Russian for privacy"),
    (r"プライバシー|個人情報", 5, "Japanese for privacy"),
    (r"隐私|隱私|个人信息", 5, "Chinese for privacy"),
    (r"개인정보", 5, "Korean for privacy"),
)

# A policy noun next to a non-English privacy word ("Datenschutzerklärung",
# "Politique de confidentialité") makes the match as good as a plain "privacy".
POLICY_NOUNS = re.compile(
    r"erklarung|richtlinie|hinweis|politique|politica|policy|declaration|informativa"
    r"|beleid|verklaring|policy|polityka|zasady|seloste|ilkesi|политика|ポリシー|方针|政策|방침")
POLICY_NOUN_BONUS = 2.0

# Decoys: links about privacy that are not the policy. All matching entries count.
TEXT_PENALTIES = _terms(
    (r"\b(settings|preferences|choices|options|manage|dashboard|controls?)\b",
     -8, "looks like a settings control"),
    (r"\bdo\s+not\s+(sell|share)\b|\bopt[\s-]?out\b|\bunsubscribe\b|\bconsent\b",
     -8, "looks like an opt-out or consent control"),
    (r"\b(request|requests|form|contact|email|submit|inquir\w*|dsar)\b",
     -5, "looks like a request or contact form"),
    (r"\bshield\b|\bframework\b|\bcertif\w*\b", -6, "about a certification, not the policy"),
    (r"\b(children|child|kids|california|ccpa|cpra|applicants?|candidates?|employees?"
     r"|staff|jobs?|recruit\w*|careers?|supplemental|health data|vendors?|suppliers?"
     r"|partners?|developers?|api)\b", -5, "a notice for a particular group"),
    (r"\b(center|centre|hub|portal)\b", -2, "a privacy hub; the policy may be one level down"),
    (r"\b(blog|news|press|article|faq|help|learn more|read more)\b", -4,
     "looks like an article or help page"),
    (r"\b(previous|prior|archived?|old|former)\b\s*(version)?", -4, "an older version"),
    # The same decoys in French, German, Spanish, Italian and Dutch.
    (r"\b(einstellungen|verwalten|parametres|gerer|reglages|configuracion|gestionar"
     r"|impostazioni|gestisci|instellingen|beheren|voorkeuren)\b",
     -8, "looks like a settings control (in another language)"),
    (r"\b(widerspruch|widerrufen|abmelden|einwilligung\w*|opposition|desinscri\w*|consentement"
     r"|consentimiento|darse\s+de\s+baja|consenso|revoca|toestemming|afmelden)\b",
     -8, "looks like an opt-out or consent control (in another language)"),
    (r"\b(anfrage|antrag|formular|kontakt|formulaire|demande|nous\s+contacter|solicitud"
     r"|formulario|contacto|richiesta|modulo|contatti|verzoek|formulier)\b",
     -5, "looks like a request or contact form (in another language)"),
    (r"\b(kinder|bewerber\w*|mitarbeiter\w*|karriere|enfants|candidats?|recrutement|ninos"
     r"|candidatos?|empleo|minori|candidati|lavora\s+con\s+noi|kinderen|sollicitanten|vacatures)\b",
     -5, "a notice for a particular group (in another language)"),
    (r"\b(ancienne|vorherige|fruhere|alte|anterior|precedente|vorige|oude)\s+(version|fassung"
     r"|versione|versie)\b", -4, "an older version (in another language)"),
)

# The URL path and query (lowercased, percent-decoded, accents removed).
URL_TERMS = _terms(
    (r"privacy[-_ ]?(policy|notice|statement|policies)|privacypolicy|privacystatement",
     6, "URL names a privacy policy"),
    (r"privacy", 4, "URL mentions privacy"),
    (r"data[-_ ]?protection|datenschutz|confidentialite|privacidad|privacidade"
     r"|riservatezza|integritet|personvern|tietosuoja|gizlilik|prywatnosc"
     r"|vie[-_]?privee|donnees[-_]personnelles|protection[-_]des[-_]donnees|proteccion[-_]de[-_]datos"
     r"|protezione[-_]dei[-_]dati|informativa[-_]privacy|privacyverklaring|privacybeleid|gegevensbescherming",
     4, "URL mentions data protection"),
    (r"cookie[-_ ]?(policy|notice|statement)", 2, "URL names a cookie policy"),
    (r"(^|/)(legal|policies|policy)(/|$|\.)", 1, "URL is a legal page"),
)
URL_PENALTIES = _terms(
    (r"setting|preference|choices|opt[-_]?out|do[-_]?not[-_]?sell|consent|unsubscribe",
     -4, "URL is a settings or opt-out page"),
    (r"request|/form|contact|dsar|webform", -3, "URL is a request form"),
    (r"/(blog|news|press|help|support|faq)/", -2, "URL is an article or help page"),
)

# Hosts that are the policy's usual home ("privacy.example.com").
PRIVACY_HOST = re.compile(r"^(privacy|legal|policies)\.")
# Subdomains for side audiences, whose privacy links are about them.
SIDE_HOST = re.compile(r"^(jobs|careers?|help|support|docs|developers?|blog|community|status"
                       r"|investors?|ir|news|press|forum|academy|learn)\.")

# Weights of the other signals (anchor text "Privacy Policy" is worth 10).
REL_PRIVACY_POLICY = 8.0  # <a|link rel="privacy-policy"> (RFC 6903 link relation)
PRIVACY_HOST_BONUS = 3.0
SAME_HOST = 2.0
SAME_SITE = 1.5  # another subdomain of the same registrable domain
OTHER_SITE = -8.0
SIDE_HOST_PENALTY = -3.0
LONG_LABEL_PENALTY = -2.0
HIDDEN_PENALTY = -3.0
IN_FOOTER = 1.0
IN_NAVIGATION = 0.5
INLINE_IN_PROSE = -2.0
IN_MAIN_CONTENT = -2.0

# Where the link sits in the page.
FOOTER_HINT = re.compile(r"foot|bottom|colophon|legal", re.I)
NAV_HINT = re.compile(r"\bnav|menu|header", re.I)

# Link schemes that never lead to a policy page.
IGNORED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "sms:", "about:", "blob:")
