"""Policies in French, German, Spanish, Italian and Dutch: detection, sentences, numbers,
topics, known edits on real texts, and a switch of language between versions.

Real texts: ``data/mektoube-20221103.fr.md`` and ``data/finya-20251210.de.md`` (versions of
the corpus's French and German streams; Open Terms Archive, ODC-By 1.0) and allstate's
history in the test corpus, which alternates between its English and Spanish statements.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diffing import DiffOptions, detect_language, diff_texts, render, segment
from diffing.numbers import changed_numbers, mentions
from diffing.sentences import split_sentences
from diffing.topics import tag_topics
from tests.diffing.langgen import KINDS, measure, real_sentences

DATA = Path(__file__).parent / "data"
FRENCH = DATA / "mektoube-20221103.fr.md"
GERMAN = DATA / "finya-20251210.de.md"


def _allstate(corpus: Path, language: str) -> str:
    for path in sorted((corpus / "histories" / "allstate-privacy-policy").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if detect_language(text) == language:
            return text
    raise AssertionError(f"no {language} version of allstate in the test corpus")


def test_each_real_version_gets_its_language(corpus: Path) -> None:
    assert detect_language(FRENCH.read_text(encoding="utf-8")) == "fr"
    assert detect_language(GERMAN.read_text(encoding="utf-8")) == "de"
    assert detect_language(_allstate(corpus, "es")).startswith("es")
    assert detect_language("### Cette page n'existe pas") is None  # too short to tell


def _real_paragraphs(path: Path, count: int) -> list[str]:
    paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n")
                  if len(p.split()) >= 12 and not p.lstrip().startswith(("#", "*", ">"))]
    return paragraphs[:count]


def test_paragraphs_vote_with_all_their_letters() -> None:
    french = _real_paragraphs(FRENCH, 3)
    english = ["We may update this notice from time to time."] * 12
    # Twelve short English paragraphs, three long French ones: French holds the letters.
    assert detect_language("\n\n".join(english + french)) == "fr"
    # As many letters of German as of French: no majority, undetermined.
    german = _real_paragraphs(GERMAN, 6)
    half = sum(len(p) for p in french)
    balanced: list[str] = []
    for p in german:
        if sum(len(q) for q in balanced) < half:
            balanced.append(p)
    assert detect_language("\n\n".join(french + balanced)) is None


def test_long_paragraphs_are_called_by_their_language() -> None:
    # Paragraphs far longer than the part the classifier reads.
    long_french = " ".join(_real_paragraphs(FRENCH, 40))
    long_german = " ".join(_real_paragraphs(GERMAN, 40))
    assert len(long_french) > 3000 and len(long_german) > 3000
    assert detect_language(long_french) == "fr"
    assert detect_language(long_german) == "de"


@pytest.mark.parametrize("language, text, expected", [
    ("de", "Wir verarbeiten Ihre Daten gem. Art. 6 Abs. 1 lit. f DSGVO, z. B. Ihre IP-Adresse. "
           "Am 25. Mai 2018 trat die DSGVO in Kraft. Ggf. löschen wir Ihre Daten nach zwölf Monaten.", 3),
    ("fr", "Nous traitons vos données conformément à l'art. 6 du RGPD, cf. ci-dessous, p. ex. votre "
           "adresse IP. Le 1er janvier 2024, la politique a changé. Voir la section n° 3 du règlement.", 3),
    ("es", "Tratamos sus datos según el art. 6 del RGPD, p. ej. su dirección IP y su nombre. "
           "Conservamos los datos durante 30 días. Véase el núm. 3 del reglamento europeo.", 3),
    ("it", "Trattiamo i dati ai sensi dell'art. 6 del GDPR e del d.lgs. 196/2003, ad es. il tuo "
           "indirizzo IP. Conserviamo i dati per 30 giorni. Vedi il n. 3 della sezione.", 3),
    ("nl", "Wij verwerken uw gegevens op grond van art. 6 AVG, bijv. uw naam en uw IP-adres. "
           "Wij bewaren de gegevens 30 dagen. Zie nr. 3 hieronder voor meer informatie.", 3),
])
def test_sentences_keep_legal_abbreviations_whole(language: str, text: str, expected: int) -> None:
    sentences = split_sentences(text, language)
    assert len(sentences) == expected, sentences
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("language, old, new, pair", [
    ("fr", "Nous conservons vos données 30 jours.", "Nous conservons vos données 90 jours.", ("30 jours", "90 jours")),
    ("fr", "En vigueur le 1er janvier 2024.", "En vigueur le 1er mars 2025.", ("1er janvier 2024", "1er mars 2025")),
    ("fr", "Le service est réservé aux plus de 13 ans.", "Le service est réservé aux plus de 16 ans.", ("13 ans", "16 ans")),
    ("de", "Wir speichern Ihre Daten zwölf Monate.", "Wir speichern Ihre Daten 24 Monate.", ("zwölf Monate", "24 Monate")),
    ("de", "Gültig ab 1. Januar 2024.", "Gültig ab 1. Juli 2024.", ("1. Januar 2024", "1. Juli 2024")),
    ("de", "Nutzer müssen mindestens 16 Jahre alt sein.", "Nutzer müssen mindestens 18 Jahre alt sein.", ("16 Jahre", "18 Jahre")),
    ("es", "Conservamos sus datos durante 30 días.", "Conservamos sus datos durante 60 días.", ("30 días", "60 días")),
    ("it", "Conserviamo i dati per dodici mesi.", "Conserviamo i dati per 24 mesi.", ("dodici mesi", "24 mesi")),
    ("nl", "Wij bewaren uw gegevens 30 dagen.", "Wij bewaren uw gegevens 90 dagen.", ("30 dagen", "90 dagen")),
])
def test_numbers_durations_and_dates(language: str, old: str, new: str, pair: tuple[str, str]) -> None:
    assert changed_numbers(old, new, language) == (pair,)


def test_amounts_in_european_formats() -> None:
    assert mentions("une amende de 5 000 € ou 12,5 %", "fr") == ["5 000 €", "12,5 %"]
    assert mentions("bis zu 1.000,50 EUR", "de") == ["1.000,50 EUR"]


@pytest.mark.parametrize("language, clause, topic", [
    ("fr", "Nous conservons vos données pendant 3 ans à compter de votre dernière connexion.", "retention"),
    ("fr", "Vous disposez d'un droit d'accès, de rectification et d'effacement de vos données.", "access"),
    ("fr", "Vos données peuvent être transférées hors de l'Union européenne.", "international"),
    ("de", "Sie haben das Recht auf Berichtigung und Löschung Ihrer Daten.", "access"),
    ("de", "Wir setzen Cookies und Zählpixel ein.", "cookies"),
    ("de", "Sie können Ihre Einwilligung jederzeit widerrufen.", "choice"),
    ("es", "Puede presentar una reclamación ante la autoridad de control.", "contact"),
    ("it", "I dati non sono trasferiti verso paesi terzi.", "international"),
    ("nl", "U heeft recht op inzage en rectificatie van uw persoonsgegevens.", "access"),
])
def test_topic_lexicon_per_language(language: str, clause: str, topic: str) -> None:
    assert topic in tag_topics(clause, language=language)


def test_real_clauses_of_the_corpus_streams_are_tagged() -> None:
    french = {c.text for c in segment(FRENCH.read_text(encoding="utf-8"), language="fr")}
    german = {c.text for c in segment(GERMAN.read_text(encoding="utf-8"), language="de")}
    tagged_fr = sum(bool(tag_topics(t, language="fr")) for t in french if len(t.split()) >= 8)
    tagged_de = sum(bool(tag_topics(t, language="de")) for t in german if len(t.split()) >= 8)
    assert tagged_fr >= 0.75 * sum(len(t.split()) >= 8 for t in french)
    assert tagged_de >= 0.75 * sum(len(t.split()) >= 8 for t in german)


@pytest.mark.parametrize("path, language", [(FRENCH, "fr"), (GERMAN, "de")])
def test_known_edits_on_real_texts(path: Path, language: str) -> None:
    """Added, removed, modified, moved clauses and changed numbers: P and R >= 0.95."""
    pool = real_sentences(path.read_text(encoding="utf-8"))
    assert pool.language == language and len(pool.sentences) >= 16
    score = measure(pool, 60)
    for kind in KINDS:
        assert score.expected[kind] >= 10, kind
        assert score.precision(kind) >= 0.95, (kind, score.precision(kind))
        assert score.recall(kind) >= 0.95, (kind, score.recall(kind))
    assert score.numbers_found >= 0.95 * score.numbers_expected > 0
    assert score.false_alarms == 0


def test_known_edits_on_a_real_spanish_text(corpus: Path) -> None:
    pool = real_sentences(_allstate(corpus, "es"))
    assert pool.language == "es"
    score = measure(pool, 30)
    assert score.correct() >= 0.95


def test_a_switch_of_language_is_one_flag(corpus: Path) -> None:
    english, spanish = _allstate(corpus, "en"), _allstate(corpus, "es")
    report = diff_texts(english, spanish)
    assert report.language_changed and report.has_changes
    assert report.changes == () and not report.formatting_only
    data = report.to_dict()
    assert data["language_changed"] is True and data["languages"] == {"old": "en", "new": "es"}
    first = render(report, "text").splitlines()[0]
    assert first == "Policy changes: language changed: English -> Spanish"
    assert "pw-language-changed" in render(report, "html")


def test_language_given_as_option_is_used() -> None:
    old = "Wir speichern Ihre Daten zwölf Monate nach der letzten Anmeldung bei unserem Dienst."
    new = "Wir speichern Ihre Daten 24 Monate nach der letzten Anmeldung bei unserem Dienst."
    report = diff_texts(old, new, options=DiffOptions(language="de"))
    assert report.new_language == "de" and not report.language_changed
    (change,) = report.changes
    assert change.numbers == (("zwölf Monate", "24 Monate"),)
    assert "retention" in change.topics
    # Our own words stay English; the clause is quoted in its language.
    text = render(report, "text")
    assert "Changed in" in text and "Retention: zwölf Monate -> 24 Monate" in text
