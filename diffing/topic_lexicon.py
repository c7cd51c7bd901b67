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

# --- Other languages ---------------------------------------------------------------------
# Written from the GDPR's official texts in each language (Regulation (EU) 2016/679: the
# titles of Articles 5-49 and the definitions of Article 4), plus the everyday words that
# policies use for the same practices. Stems end in ``\w*`` where the word inflects. Terms
# used in every language (``cookies``, ``Google Analytics``, ``opt-out``, ``SSL``,
# ``DPO``) are in ``NEUTRAL_PHRASES`` and join each language's lexicon.

NEUTRAL_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (r"ip[- ]?(?:address(?:es)?|adressen?|adresses?)", r"geolocali[sz]\w*", r"tracking-?id"),
    "sharing": (r"third[- ]part(?:y|ies)", r"sub-?processors?"),
    "choice": (r"opt[- ]?(?:out|in)",),
    "access": (),
    "retention": (),
    "security": (r"ssl|tls|https", r"firewalls?", r"two-factor|2fa"),
    "policy-change": (),
    "do-not-track": (r"do[- ]not[- ]track", r"\bdnt\b", r"global privacy control", r"\bgpc\b"),
    "international": (r"privacy shield", r"data privacy framework", r"\bscc\b"),
    "children": (r"coppa",),
    "cookies": (r"cookies?", r"web ?beacons?", r"pixels?(?: tags?)?", r"sdks?", r"google analytics",
                r"analytics", r"local ?storage", r"fingerprinting", r"tracking", r"tracker\w*",
                r"remarketing", r"retargeting"),
    "contact": (r"\bdpo\b", r"privacy@", r"datenschutz@", r"dpo@", r"cnil@", r"\bcnil\b"),
}

FR_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"collect\w*", r"recueill\w*", r"recueil", r"(?:nous )?(?:traitons|utilisons|obtenons|enregistrons)",
        r"donn[ée]es (?:que nous|collect[ée]es|d[ée]clar[ée]es|renseign[ée]es|fournies)",
        r"finalit[ée]s?", r"lic[ée]it[ée] du traitement", r"base[s]? (?:l[ée]gale|juridique)s?",
        r"int[ée]r[êe]ts? l[ée]gitimes?", r"donn[ée]es de (?:localisation|navigation|connexion|sant[ée])",
        r"g[ée]olocalisation", r"donn[ée]es biom[ée]triques", r"identifiants? (?:de l'appareil|publicitaires?)",
        r"adresses? ip", r"profilage", r"cat[ée]gories particuli[èe]res de donn[ée]es", r"donn[ée]es sensibles",
    ),
    "sharing": (
        r"partag\w*", r"communiqu\w*", r"transmet\w*", r"transmis\w*", r"transmission", r"divulg\w*",
        r"c[èe]d\w*", r"cession", r"vend\w*", r"vente de", r"(?<!pays )tiers", r"destinataires?",
        r"sous-traitants?", r"prestataires?", r"partenaires?", r"filiales?", r"annonceurs?",
        r"courtiers? en donn[ée]es", r"autorit[ée]s? judiciaires?", r"r[ée]quisitions?", r"fusion|acquisition",
    ),
    "choice": (
        r"consent\w*", r"retir\w* (?:votre|son|le) consentement", r"d[ée]sinscri\w*", r"d[ée]sabonn\w*",
        r"vos choix", r"pr[ée]f[ée]rences?", r"param[èe]tres? de (?:confidentialit[ée]|votre compte)",
        r"droit d'opposition", r"vous (?:y )?opposer", r"s'(?:y )?opposer", r"opposition", r"prospection",
        r"communications? (?:commerciales|marketing)", r"newsletters?", r"accepte\w*", r"refus\w*",
    ),
    "access": (
        r"droit d'acc[èe]s", r"droits? de (?:rectification|suppression|modification|portabilit[ée])",
        r"droit (?:[àa] l'effacement|[àa] l'oubli|[àa] la limitation|[àa] la portabilit[ée])",
        r"rectifi\w*", r"effacement", r"supprim\w* (?:vos|ses|les|votre|son) (?:donn[ée]es|compte)",
        r"suppression (?:de (?:vos|ses|votre|son) )?(?:donn[ée]es|compte)", r"portabilit[ée]",
        r"limitation du traitement", r"vos droits", r"personnes? concern[ée]es?", r"exercer (?:vos|ses|ce|ces) droits?",
        r"copie de vos donn[ée]es", r"directives? post-mortem",
    ),
    "retention": (
        r"conserv\w*", r"dur[ée]e de conservation", r"dur[ée]e", r"limitation de la conservation",
        r"archiv\w*", r"anonymis\w*", r"supprim[ée]es? (?:apr[èe]s|au bout|[àa] l'issue)",
        r"pendant (?:une|la) p[ée]riode", r"aussi longtemps que", r"n'exc[èe]de pas", r"stock\w*",
    ),
    "security": (
        r"s[ée]curit[ée]", r"s[ée]curis\w*", r"chiffr\w*", r"crypt\w*", r"pseudonymis\w*",
        r"mesures techniques et organisationnelles", r"prot[èe]g\w*", r"protection des donn[ée]es d[èe]s la conception",
        r"violations? de donn[ée]es", r"acc[èe]s non autoris[ée]s?", r"confidentialit[ée] des donn[ée]es",
    ),
    "policy-change": (
        r"(?:modifi\w*|mise[s]? [àa] jour|mettre [àa] jour|[ée]volu\w*) (?:de |la |cette |notre |[àa] la |[àa] cette )*(?:pr[ée]sente )?(?:charte|politique|d[ée]claration|notice)",
        r"(?:charte|politique|d[ée]claration) (?:peut|pourra|pourrait) [êe]tre (?:modifi|mise)\w*",
        r"derni[èe]re mise [àa] jour", r"mise [àa] jour le", r"en vigueur", r"vous (?:en )?informer", r"nous vous informerons",
    ),
    "do-not-track": (r"signaux? de (?:suivi|navigation)", r"ne pas (?:me |[êe]tre )?suivre"),
    "international": (
        r"transferts? (?:de donn[ée]es|internationaux|vers)", r"transf[ée]r\w* (?:vers|hors|en dehors)",
        r"pays tiers", r"hors (?:de )?l'(?:ue|union europ[ée]enne|eee|espace [ée]conomique europ[ée]en)",
        r"en dehors de l'(?:ue|union europ[ée]enne|eee|espace [ée]conomique europ[ée]en)",
        r"d[ée]cision d'ad[ée]quation", r"clauses? (?:contractuelles )?types", r"r[èe]gles d'entreprise contraignantes",
        r"organisations? internationales?", r"[ée]tats-unis",
    ),
    "children": (
        r"enfants?", r"mineurs?", r"moins de (?:13|15|16|18) ans", r"[âa]g[ée]s? de moins de", r"titulaires? de l'autorit[ée] parentale",
        r"parents? ou (?:tuteurs?|repr[ée]sentants? l[ée]gaux)", r"consentement parental", r"adolescents?", r"majorit[ée]",
    ),
    "cookies": (
        r"traceurs?", r"t[ée]moins? de connexion", r"balises?(?: web)?", r"mesure d'audience", r"publicit[ée]s? cibl[ée]es?",
        r"publicit[ée] (?:personnalis[ée]e|comportementale|bas[ée]e sur vos centres d'int[ée]r[êe]t)",
        r"stockage local",
    ),
    "contact": (
        r"contactez-nous", r"nous contacter", r"(?:nous )?[ée]crire", r"d[ée]l[ée]gu[ée] [àa] la protection des donn[ée]es",
        r"responsable (?:du|de) traitement", r"autorit[ée] de contr[ôo]le", r"r[ée]clamation",
        r"adresse postale", r"par courrier", r"par (?:e-)?mail", r"questions? (?:sur|concernant|relatives?)", r"repr[ée]sentant",
    ),
}

DE_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"erheb\w*", r"erhob\w*", r"erhebung", r"(?:wir )?(?:erfassen|sammeln|verarbeiten|nutzen|speichern und verarbeiten)",
        r"erfass\w*", r"gesammelt\w*", r"wir verarbeiten", r"verarbeiten wir",
        r"verarbeitung (?:ihrer|personenbezogener|von|der) (?:personenbezogenen )?daten", r"zwecke?n?", r"zweck der verarbeitung",
        r"rechtm[äa][ßs]igkeit der verarbeitung", r"rechtsgrundlagen?", r"berechtigte[sn]? interessen?",
        r"standortdaten", r"geolokalisierung", r"biometrische", r"ger[äa]tekennung\w*", r"nutzungsdaten",
        r"profiling", r"besondere(?:n)? kategorien personenbezogener daten", r"bestandsdaten", r"logfiles?|server-?logfiles?",
    ),
    "sharing": (
        r"weitergeb\w*", r"weitergabe", r"weitergegeben", r"[üu]bermittl\w*", r"[üu]bermittelt\w*", r"offenleg\w*",
        r"verkauf\w*", r"verk[äa]uf\w*", r"dritte\w*", r"empf[äa]nger\w*", r"auftragsverarbeit\w*",
        r"dienstleister\w*", r"partner(?:n|unternehmen)?", r"verbundene(?:n)? unternehmen", r"werbetreibende\w*", r"weitergeleitet",
        r"beh[öo]rden", r"strafverfolgung\w*", r"gerichtliche\w* anordnung\w*", r"fusion|[üu]bernahme",
    ),
    "choice": (
        r"einwillig\w*", r"widerruf\w*", r"widerspruch\w*", r"widersprechen", r"abmeld\w*", r"abbestell\w*",
        r"ihre wahl", r"einstellungen", r"pr[äa]ferenzen", r"privatsph[äa]re-?einstellungen",
        r"direktwerbung", r"newsletter", r"zustimm\w*", r"ablehn\w*",
    ),
    "access": (
        r"auskunft\w*", r"auskunftsrecht", r"recht auf (?:berichtigung|l[öo]schung|vergessenwerden|einschr[äa]nkung|daten[üu]bertragbarkeit|auskunft)",
        r"berichtig\w*", r"l[öo]sch\w* (?:ihrer|ihre|der|ihres|des) (?:daten|personenbezogenen|kontos|profils)",
        r"daten[üu]bertragbarkeit", r"einschr[äa]nkung der verarbeitung", r"ihre rechte", r"betroffenenrechte",
        r"betroffene(?:n)? person(?:en)?", r"rechte der betroffenen", r"kopie (?:ihrer|der) daten",
    ),
    "retention": (
        r"speicherdauer", r"speicherbegrenzung", r"speicher\w*", r"aufbewahr\w*", r"gespeichert\w*",
        r"gel[öo]scht\w*", r"l[öo]schfrist\w*", r"archivier\w*", r"anonymisier\w*",
        r"so lange (?:wie )?(?:erforderlich|notwendig)", r"nicht l[äa]nger als", r"aufbewahrungsfrist\w*", r"fristen?",
    ),
    "security": (
        r"sicherheit\w*", r"sicher\w*", r"verschl[üu]ssel\w*", r"pseudonymisier\w*",
        r"technische(?:n)? und organisatorische(?:n)? ma[ßs]nahmen", r"sch[üu]tz\w* (?:ihre|die|ihrer|der)",
        r"verletzung(?:en)? des schutzes", r"datenpannen?", r"unbefugte\w* zugriff\w*", r"zugriffskontrolle\w*",
    ),
    "policy-change": (
        r"(?:[äa]nder\w*|aktualisier\w*|anpass\w*) (?:dieser|der|unserer|diese|die) datenschutz\w*",
        r"datenschutz\w* (?:zu )?(?:[äa]ndern|anzupassen|aktualisieren)", r"stand:?", r"zuletzt (?:ge[äa]ndert|aktualisiert)",
        r"g[üu]ltig (?:ab|seit)", r"in kraft", r"(?:wir )?(?:werden sie|informieren sie) (?:dar[üu]ber )?informier\w*",
        r"aktuelle(?:n)? fassung", r"neue(?:n)? fassung",
    ),
    "do-not-track": (r"tracking-?signale?", r"browsersignale?"),
    "international": (
        r"drittl[äa]nd\w*", r"drittstaat\w*", r"internationale(?:n)? organisation\w*",
        r"au[ßs]erhalb (?:der|des) (?:eu|europ[äa]ischen union|ewr|europ[äa]ischen wirtschaftsraums)",
        r"angemessenheitsbeschluss\w*", r"standardvertragsklauseln", r"standarddatenschutzklauseln",
        r"verbindliche(?:n)? interne(?:n)? datenschutzvorschriften", r"usa|vereinigte(?:n)? staaten", r"[üu]bermittlung in",
    ),
    "children": (
        r"kinder\w*", r"kind(?:es)?", r"minderj[äa]hrig\w*", r"jugendlich\w*", r"unter (?:13|16|18) jahren",
        r"vollj[äa]hrig\w*", r"eltern", r"erziehungsberechtigt\w*", r"lebensjahr\w*", r"mindestalter",
    ),
    "cookies": (
        r"cookie\w*", r"z[äa]hlpixel", r"tracking-?technologien", r"webanalyse", r"reichweitenmessung",
        r"personalisierte(?:n)? werbung", r"interessenbasierte(?:n)? werbung",
        r"lokale(?:n)? speicher", r"zielgerichtete(?:n)? werbung",
    ),
    "contact": (
        r"kontakt\w*", r"datenschutzbeauftragte\w*", r"verantwortliche\w*", r"verantwortliche(?:n)? stelle",
        r"aufsichtsbeh[öo]rde\w*", r"beschwerde\w*", r"anschrift", r"postanschrift", r"e-mail an", r"fragen (?:zu|zum|zur)", r"vertreter\w*",
    ),
}

ES_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"recop\w*", r"recog\w*", r"obten\w*", r"tratamos", r"tratamiento de (?:sus|los|tus) datos", r"finalidad\w*",
        r"licitud del tratamiento", r"base(?:s)? (?:legal|jur[íi]dica|de legitimaci[óo]n)\w*", r"inter[ée]s(?:es)? leg[íi]timos?",
        r"datos de (?:localizaci[óo]n|navegaci[óo]n|uso)", r"geolocalizaci[óo]n", r"biom[ée]tric\w*", r"direcci[óo]n(?:es)? ip",
        r"elaboraci[óo]n de perfiles", r"categor[íi]as especiales de datos",
    ),
    "sharing": (
        r"compart\w*", r"comunic\w*", r"ced\w*", r"cesi[óo]n", r"divulg\w*", r"vend\w*", r"venta de", r"terceros?",
        r"destinatarios?", r"encargados? del tratamiento", r"proveedores?", r"socios", r"filiales", r"anunciantes",
        r"autoridades", r"[óo]rdenes judiciales", r"fusi[óo]n|adquisici[óo]n",
    ),
    "choice": (
        r"consent\w*", r"retirar (?:su|tu|el) consentimiento", r"darse de baja", r"cancelar la suscripci[óo]n",
        r"preferencias", r"configuraci[óo]n de (?:privacidad|la cuenta)", r"derecho de oposici[óo]n", r"oponerse",
        r"comunicaciones comerciales", r"boletines?", r"acept\w*", r"rechaz\w*",
    ),
    "access": (
        r"derecho(?:s)? de (?:acceso|rectificaci[óo]n|supresi[óo]n|cancelaci[óo]n|portabilidad)",
        r"derecho (?:al olvido|a la limitaci[óo]n|a la portabilidad)", r"rectific\w*", r"supresi[óo]n",
        r"suprim\w*", r"portabilidad", r"limitaci[óo]n del tratamiento", r"sus derechos", r"tus derechos", r"interesados?",
        r"ejercer (?:sus|tus|estos) derechos", r"copia de (?:sus|tus) datos",
    ),
    "retention": (
        r"conserv\w*", r"plazo de conservaci[óo]n", r"plazos?", r"limitaci[óo]n del plazo de conservaci[óo]n",
        r"almacen\w*", r"archiv\w*", r"anonimiz\w*", r"durante el tiempo (?:necesario|imprescindible)", r"bloque\w*",
    ),
    "security": (
        r"seguridad", r"segur\w*", r"cifr\w*", r"encript\w*", r"seudonimizaci[óo]n|pseudonimizaci[óo]n",
        r"medidas t[ée]cnicas y organizativas", r"proteg\w*", r"violaci[óo]n de (?:la )?seguridad", r"accesos? no autorizados?",
    ),
    "policy-change": (
        r"(?:modific\w*|actualiz\w*|cambios?) (?:de |en |a )?(?:la |esta |nuestra )?(?:presente )?(?:pol[íi]tica|aviso|declaraci[óo]n)",
        r"[úu]ltima actualizaci[óo]n", r"en vigor", r"le (?:informaremos|notificaremos)", r"te (?:informaremos|notificaremos)",
    ),
    "do-not-track": (r"se[ñn]ales? de (?:seguimiento|navegador)",),
    "international": (
        r"transferencias? internacional\w*", r"transferencias? de datos", r"transfer\w* (?:fuera|a terceros pa[íi]ses)",
        r"terceros pa[íi]ses", r"fuera (?:de la|del) (?:ue|uni[óo]n europea|eee|espacio econ[óo]mico europeo)",
        r"decisi[óo]n de adecuaci[óo]n", r"cl[áa]usulas (?:contractuales )?tipo", r"normas corporativas vinculantes",
        r"organizaciones internacionales", r"estados unidos|ee\. ?uu\.",
    ),
    "children": (r"ni[ñn]os?", r"ni[ñn]as?", r"menores?(?: de edad)?", r"menos de (?:13|14|16|18) a[ñn]os", r"padres", r"tutores?", r"patria potestad", r"mayor(?:es)? de edad"),
    "cookies": (r"balizas?(?: web)?", r"tecnolog[íi]as de seguimiento", r"publicidad (?:personalizada|comportamental|dirigida)", r"anal[íi]tica"),
    "contact": (
        r"cont[áa]ct\w*", r"delegado de protecci[óo]n de datos", r"responsable del tratamiento", r"autoridad de control",
        r"agencia espa[ñn]ola de protecci[óo]n de datos|aepd", r"reclamaci[óo]n", r"direcci[óo]n postal", r"representante",
    ),
}

IT_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"raccol\w*", r"acquisi\w*", r"trattiamo", r"tratta(?:re|ti|mento) (?:i|dei|dei suoi|dei tuoi) dati", r"finalit[àa]",
        r"liceit[àa] del trattamento", r"base giuridica", r"basi giuridiche", r"legittimo interesse", r"legittimi interessi",
        r"dati di (?:localizzazione|navigazione|utilizzo)", r"geolocalizzazione", r"biometric\w*", r"indirizz[oi] ip",
        r"profilazione", r"categorie particolari di dati",
    ),
    "sharing": (
        r"condivi\w*", r"comunic\w*", r"cedu\w*|cede\w*|cessione", r"divulg\w*", r"vend\w*", r"vendita", r"terz[ei]",
        r"destinatari", r"responsabili del trattamento", r"fornitori", r"partner", r"societ[àa] controllate", r"inserzionisti",
        r"autorit[àa] (?:giudiziarie|pubbliche)", r"fusione|acquisizione",
    ),
    "choice": (
        r"consens\w*", r"revoca\w*", r"disiscri\w*", r"annullare l'iscrizione", r"preferenze", r"impostazioni (?:della privacy|dell'account)",
        r"diritto di opposizione", r"opporsi", r"comunicazioni (?:commerciali|promozionali)", r"newsletter", r"accett\w*", r"rifiut\w*",
    ),
    "access": (
        r"diritto (?:di|d') ?(?:accesso|rettifica|limitazione|opposizione)", r"diritto (?:alla cancellazione|all'oblio|alla portabilit[àa])",
        r"rettific\w*", r"cancellazione", r"cancell\w* (?:i|dei|il) (?:tuoi |suoi )?(?:dati|account)", r"portabilit[àa]",
        r"limitazione (?:del|di) trattamento", r"i tuoi diritti", r"i suoi diritti", r"interessat[oi]", r"esercitare (?:i|tali|questi) diritti",
        r"copia dei (?:tuoi |suoi )?dati",
    ),
    "retention": (
        r"conserv\w*", r"periodo di conservazione", r"limitazione della conservazione", r"memorizz\w*", r"archivi\w*",
        r"anonimizz\w*", r"per il tempo (?:necessario|strettamente necessario)", r"non oltre",
    ),
    "security": (
        r"sicurezza", r"sicur\w*", r"cifratura|crittograf\w*", r"pseudonimizzazione", r"misure tecniche e organizzative",
        r"protegg\w*", r"violazion[ei] dei dati", r"accessi? non autorizzat\w*",
    ),
    "policy-change": (
        r"(?:modific\w*|aggiorn\w*) (?:della |alla |di questa |alla presente |la presente |questa )?(?:informativa|politica)",
        r"ultimo aggiornamento", r"in vigore", r"ti (?:informeremo|avviseremo)", r"la informeremo",
    ),
    "do-not-track": (r"segnali di (?:tracciamento|navigazione)",),
    "international": (
        r"trasferiment\w* (?:di dati|internazional\w*|verso)", r"trasferi\w* (?:verso|al di fuori|fuori)", r"paesi terzi",
        r"(?:al di )?fuori (?:dell'|della )(?:ue|unione europea|see|spazio economico europeo)", r"decisione di adeguatezza",
        r"clausole (?:contrattuali )?tipo", r"norme vincolanti d'impresa", r"organizzazioni internazionali", r"stati uniti",
    ),
    "children": (r"minori", r"minorenni", r"bambin[ie]", r"meno di (?:13|14|16|18) anni", r"genitori", r"tutori?", r"responsabilit[àa] genitoriale", r"maggiorenni"),
    "cookies": (r"tecnologie di tracciamento", r"pubblicit[àa] (?:personalizzata|comportamentale|mirata)", r"marcatori"),
    "contact": (
        r"contatt\w*", r"responsabile della protezione dei dati", r"titolare del trattamento", r"autorit[àa] di controllo",
        r"garante (?:per la protezione dei dati personali|privacy)", r"reclamo", r"indirizzo postale", r"rappresentante",
    ),
}

NL_PHRASES: dict[str, tuple[str, ...]] = {
    "collection": (
        r"verzamel\w*", r"verzameld\w*", r"verkrijg\w*", r"verwerk\w*", r"doeleinden", r"doel(?:en)?",
        r"rechtmatigheid van de verwerking", r"grondslag\w*", r"rechtsgrond\w*", r"gerechtvaardigd\w* belang\w*",
        r"locatiegegevens", r"geolocatie", r"biometrisch\w*", r"ip-adres(?:sen)?", r"gebruiksgegevens", r"profilering",
        r"bijzondere categorie[ëe]n van persoonsgegevens",
    ),
    "sharing": (
        r"del\w* (?:met|uw)", r"gedeeld", r"verstrek\w*", r"doorgeven|doorgegeven", r"openbaar\w*", r"verko\w*", r"derden?",
        r"ontvangers?", r"verwerkers?", r"dienstverleners?", r"leveranciers?", r"partners?", r"dochteronderneming\w*",
        r"adverteerders?", r"overheidsinstanties", r"politie|justitie", r"fusie|overname",
    ),
    "choice": (
        r"toestemming", r"intrekk\w*", r"ingetrokken", r"afmeld\w*", r"uitschrijv\w*", r"voorkeuren", r"privacy-?instellingen",
        r"recht van bezwaar", r"bezwaar (?:te )?maken", r"direct marketing", r"nieuwsbrie\w*", r"accept\w*", r"weiger\w*",
    ),
    "access": (
        r"recht (?:op|van) (?:inzage|rectificatie|gegevenswissing|vergetelheid|beperking|overdraagbaarheid|verwijdering|correctie)",
        r"inzage", r"rectificatie", r"gegevenswissing", r"verwijder\w* (?:van )?(?:uw|de|je) (?:persoons)?gegevens",
        r"overdraagbaarheid", r"beperking van de verwerking", r"uw rechten", r"je rechten", r"betrokkenen?",
        r"kopie van (?:uw|je) gegevens",
    ),
    "retention": (
        r"bewaar\w*", r"bewaartermijn\w*", r"opslagbeperking", r"opgeslagen", r"opslaan", r"archiver\w*", r"anonimiser\w*",
        r"niet langer (?:dan|bewaard)", r"zolang (?:als )?(?:nodig|noodzakelijk)",
    ),
    "security": (
        r"beveilig\w*", r"veilig\w*", r"versleutel\w*", r"encryptie", r"pseudonimisering", r"passende technische en organisatorische maatregelen",
        r"technische en organisatorische maatregelen", r"bescherm\w*", r"datalek\w*", r"inbreuk in verband met persoonsgegevens", r"onbevoegde toegang",
    ),
    "policy-change": (
        r"(?:wijzig\w*|aanpass\w*|bijwerk\w*|bijgewerkt) (?:van |in |aan )?(?:deze |dit |onze |de )?(?:privacyverklaring|privacybeleid|verklaring)",
        r"laatst (?:bijgewerkt|gewijzigd)", r"in werking", r"wij (?:zullen|informeren) u", r"geldig vanaf",
    ),
    "do-not-track": (r"trackingsignalen",),
    "international": (
        r"doorgifte\w*", r"derde landen", r"buiten de (?:eu|europese unie|eer|europese economische ruimte)", r"adequaatheidsbesluit\w*",
        r"standaardbepalingen", r"modelcontractbepalingen", r"bindende bedrijfsvoorschriften", r"internationale organisaties", r"verenigde staten",
    ),
    "children": (r"kinderen", r"kind", r"minderjarig\w*", r"jonger dan (?:13|16|18) jaar", r"onder de (?:13|16|18) jaar", r"ouders?", r"voogd\w*", r"wettelijk vertegenwoordiger"),
    "cookies": (r"trackingtechnologie\w*", r"gepersonaliseerde advertenties", r"gerichte advertenties"),
    "contact": (
        r"contact\w*", r"functionaris voor gegevensbescherming", r"verwerkingsverantwoordelijke", r"toezichthoudende autoriteit",
        r"autoriteit persoonsgegevens", r"klacht\w*", r"postadres", r"vertegenwoordiger",
    ),
}

PHRASES_BY_LANGUAGE: dict[str, dict[str, tuple[str, ...]]] = {
    "en": TOPIC_PHRASES,
    **{language: {slug: phrases[slug] + NEUTRAL_PHRASES[slug] for slug in TOPIC_LABELS}
       for language, phrases in (("fr", FR_PHRASES), ("de", DE_PHRASES), ("es", ES_PHRASES),
                                 ("it", IT_PHRASES), ("nl", NL_PHRASES))},
}
