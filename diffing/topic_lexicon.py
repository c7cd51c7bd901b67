"""Privacy-topic lexicon (data only): topic slug -> label and trigger phrases.

Categories follow the OPP-115 data-practice scheme (Wilson et al., ACL 2016), with
cookies, international transfers and contact/controller split out. Phrases are regular
expressions matched case-insensitively on word boundaries against a clause's plain text.
"""

from __future__ import annotations

TOPIC_LABELS: dict[str, str] = {
    "collection": "First-party collection and use",
    "sharing": "Third-party sharing and selling",
    "choice": "User choice, consent and opt-out",
    "access": "Access, correction and deletion rights",
    "retention": "Data retention",
    "security": "Data security",
    "policy-change": "Policy changes and notification",
    "do-not-track": "Do Not Track and browser signals",
    "international": "International data transfers",
    "children": "Children's privacy",
    "cookies": "Cookies and tracking technologies",
    "contact": "Contact and data controller",
}

TOPIC_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"(?:we|us)\s+(?:may\s+)?(?:also\s+)?(?:automatically\s+)?(?:collect|gather|obtain|receive|record)s?",
        r"collect(?:s|ed|ing|ion)?", r"information (?:we|you) (?:collect|provide)",
        r"personal (?:data|information) (?:we|that we) (?:collect|process|use)",
        r"(?:we|to) (?:use|process) (?:your|this|the|such) (?:personal )?(?:data|information)",
        r"purposes? of (?:processing|use)", r"legal bas[ie]s", r"legitimate interests?",
        r"geolocation", r"location (?:data|information)", r"biometric", r"device identifiers?",
        r"ip address(?:es)?", r"contact lists?", r"usage (?:data|information)",
    ),
    "sharing": (
        r"shar(?:e|es|ed|ing)", r"disclos(?:e|es|ed|ing|ure|ures)", r"sell(?:s|ing)?", r"sold",
        r"sale of", r"third[- ]part(?:y|ies)", r"service providers?", r"vendors?", r"partners?",
        r"affiliates?", r"advertisers?", r"data brokers?", r"transfer(?:red)? to",
        r"law enforcement", r"subpoenas?", r"court orders?", r"merger|acquisition|bankruptcy",
        r"processors?", r"sub-?processors?",
    ),
    "choice": (
        r"opt[- ]?(?:out|in)", r"unsubscrib(?:e|ing)", r"consent(?:s|ed)?", r"withdraw",
        r"your choices?", r"choose (?:not )?to", r"preferences?", r"privacy settings?",
        r"(?:account|ad) settings", r"object to", r"do not sell", r"limit the use",
        r"global privacy control", r"marketing (?:emails|communications)",
    ),
    "access": (
        r"right (?:to|of) (?:access|rectification|erasure|deletion|correct|delete|portability|restrict)",
        r"access(?:ing)? (?:to )?(?:your|the) (?:personal )?(?:data|information)",
        r"(?:correct|update|amend|rectify|edit) (?:your|any|the|inaccurate) (?:personal )?(?:data|information)?",
        r"delet(?:e|ion|ing) (?:of )?(?:your|the) (?:personal )?(?:data|information|account)",
        r"data portability", r"copy of (?:your|the) (?:personal )?(?:data|information)",
        r"erasure", r"rectification", r"data subject (?:access )?requests?", r"your rights",
        r"verifiable (?:consumer )?request", r"appeal",
    ),
    "retention": (
        r"retain(?:s|ed|ing)?", r"retention", r"keep (?:your|the|this|such|personal)",
        r"stor(?:e|ed|es|ing) (?:your|the|this|such|personal)", r"as long as (?:necessary|needed|required)",
        r"for (?:a period|the period|no longer)", r"no longer (?:than|needed|necessary)",
        r"delete(?:d)? (?:after|within)", r"anonymi[sz](?:e|ed|ation)", r"archiv(?:e|ed)",
    ),
    "security": (
        r"secur(?:e|ity|ed|ely)", r"encrypt(?:ed|ion|s)?", r"safeguards?", r"protect(?:s|ed|ion)? (?:your|the|personal)",
        r"unauthori[sz]ed access", r"breach(?:es)?", r"firewalls?", r"access controls?",
        r"ssl|tls|https", r"pseudonymi[sz]", r"two-factor|multi-factor",
    ),
    "policy-change": (
        r"(?:changes?|updates?|amend(?:ments?)?|modif(?:y|ications?)|revis(?:e|ions?)) (?:to|of) (?:this|our|the) (?:privacy )?(?:policy|statement|notice)",
        r"(?:this|our) (?:privacy )?(?:policy|statement|notice) (?:may|will) (?:be )?(?:change|update|amend|revise)",
        r"we (?:may|will) (?:change|update|amend|revise|modify)", r"last (?:updated|revised|modified)",
        r"effective (?:date|as of|on)", r"notify you", r"material changes?",
    ),
    "do-not-track": (
        r"do[- ]not[- ]track", r"\bdnt\b", r"browser signals?", r"tracking signals?",
        r"global privacy control", r"\bgpc\b",
    ),
    "international": (
        r"international(?:ly)? (?:data )?transfers?", r"transfer(?:s|red|ring)? (?:of )?(?:your )?(?:personal )?(?:data|information) (?:to|outside|abroad|across)",
        r"outside (?:of )?(?:the )?(?:eea|european economic area|european union|eu|uk|united kingdom|your country)",
        r"standard contractual clauses", r"adequacy decisions?", r"privacy shield",
        r"data privacy framework", r"binding corporate rules", r"cross-border", r"other countries",
    ),
    "children": (
        r"child(?:ren|ren's|'s)?", r"minors?", r"under (?:the age of )?(?:13|16|18)", r"coppa",
        r"parent(?:s|al)? (?:or guardians?|consent)", r"teen(?:s|agers?)?", r"kids?",
    ),
    "cookies": (
        r"cookies?", r"web beacons?", r"pixels?(?: tags?)?", r"tracking technolog(?:y|ies)",
        r"local storage", r"sdks?", r"analytics", r"google analytics",
        r"interest-based advertising", r"targeted advertising", r"behaviou?ral advertising",
        r"cross-context", r"device fingerprint(?:ing)?", r"clear gifs?",
    ),
    "contact": (
        r"contact us", r"data protection officer", r"\bdpo\b", r"(?:data )?controller",
        r"e-?mail us", r"write to us", r"privacy@", r"questions (?:about|regarding)",
        r"supervisory authority", r"representative", r"mailing address", r"toll-free",
    ),
}
