"""Numbers and durations in a clause, and which of them a modification changed.

A mention is a number (digits, with separators, or a number word up to twenty, thirty,
sixty, ninety, hundred), optionally in parentheses after a word (``thirty (30)``), with
a currency sign before it or a unit after it: time units (``days``, ``months``, ``years``
...), ``%``, ``percent``, age (``years old``). Dates (``January 1, 2024``,
``2024-01-31``, ``1/31/2024``) are mentions too, so a changed effective date is reported.

Each language of ``diffing.language.SUPPORTED`` has its own words (``NUMBER_LANGUAGES``):
number words (``trente``, ``zwölf``, ``dieciocho``), units (``jours``, ``Monate``,
``Jahren``, ``años``, ``giorni``, ``maanden``, ``Prozent``), months and date orders
(``1er janvier 2024``, ``1. Januar 2024``, ``1 de enero de 2024``, ``31.01.2024``), and
its number format: outside English a comma is the decimal mark and ``.`` or a space
groups thousands (``1.000,50 €``, ``5 000 €``). Amounts take the currency before or
after (``€ 5``, ``5 €``, ``5 EUR``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class NumberWords:
    """The words of one language that numbers, units and dates are written with."""

    number_words: str  # alternation, longest forms first where one prefixes another
    units: str
    months: str
    dates: str = ""  # extra date patterns of the language (alternation), tried first
    range_words: str = "to"  # "12 to 24 months", "12 bis 24 Monate"
    thousands: str = ","  # group separator in digits; the decimal mark is the other one


_EN = NumberWords(
    number_words=(
        r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
        r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|forty-five|fifty|"
        r"sixty|ninety|hundred|a hundred|one hundred"
    ),
    units=(
        r"years old|years of age|seconds?|minutes?|hours?|days?|business days?|calendar days?|weeks?|months?|years?|"
        r"decades?|percent|per cent|%|times"
    ),
    months=(
        r"January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
    ),
)

_FR = NumberWords(
    number_words=(
        r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
        r"quinze|seize|dix-sept|dix-huit|dix-neuf|vingt|trente|quarante|quarante-cinq|"
        r"cinquante|soixante|quatre-vingt-dix|cent"
    ),
    units=(
        r"ans r[ée]volus|ans|ann[ée]es?|an|mois|semaines?|jours? (?:ouvr[ée]s|ouvrables|calendaires|francs)|"
        r"jours?|heures?|minutes?|secondes?|pour cent|%|fois"
    ),
    months=r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre",
    dates=r"\b(?:1er|\d{{1,2}})\s+(?:{months})\s+\d{{4}}",
    range_words=r"à|a",
    thousands=r"[ \u00a0\u202f.]",
)

_DE = NumberWords(
    number_words=(
        r"einem|einen|einer|eins|ein|eine|zwei|drei|vier|f[üu]nf|sechs|sieben|acht|neun|zehn|elf|"
        r"zw[öo]lf|dreizehn|vierzehn|f[üu]nfzehn|sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|"
        r"drei[ßs]ig|vierzig|f[üu]nfzig|sechzig|neunzig|hundert"
    ),
    units=(
        r"Lebensjahr(?:es|s)?|Jahren|Jahre|Jahres|Jahr|Monaten|Monate|Monats|Monat|Wochen|Woche|"
        r"Werktagen|Werktage|Arbeitstagen|Arbeitstage|Kalendertagen|Kalendertage|Tagen|Tage|Tag|"
        r"Stunden|Stunde|Minuten|Minute|Sekunden|Sekunde|Prozent|%|mal"
    ),
    months=r"Januar|J[äa]nner|Februar|M[äa]rz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember",
    dates=(r"\b\d{{1,2}}\.\s*(?:{months})\s+\d{{4}}|\b\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\b"
           r"|\b\d{{1,2}}\.\s*Lebensjahr(?:es|s)?"),
    range_words=r"bis",
    thousands=r"[.\u00a0\u202f ]",
)

_ES = NumberWords(
    number_words=(
        r"uno|una|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|"
        r"quince|diecis[ée]is|diecisiete|dieciocho|diecinueve|veinte|treinta|cuarenta|cincuenta|"
        r"sesenta|noventa|cien|ciento"
    ),
    units=(
        r"años de edad|años|año|meses|mes|semanas?|d[ií]as h[áa]biles|d[ií]as naturales|d[ií]as|d[ií]a|"
        r"horas?|minutos?|segundos?|por ciento|%|veces"
    ),
    months=r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre",
    dates=r"\b\d{{1,2}}\s+de\s+(?:{months})\s+(?:de|del)\s+\d{{4}}|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b",
    range_words=r"a",
    thousands=r"[.\u00a0\u202f ]",
)

_IT = NumberWords(
    number_words=(
        r"uno|una|un|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|"
        r"quattordici|quindici|sedici|diciassette|diciotto|diciannove|venti|trenta|quaranta|"
        r"cinquanta|sessanta|novanta|cento"
    ),
    units=(
        r"anni di et[àa]|anni|anno|mesi|mese|settimane|settimana|giorni lavorativi|giorni|giorno|"
        r"ore|ora|minuti|minuto|secondi|secondo|per cento|%|volte"
    ),
    months=r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre",
    dates=r"\b(?:1[°º]|\d{{1,2}})\s+(?:{months})\s+\d{{4}}|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b",
    range_words=r"a",
    thousands=r"[.\u00a0\u202f ]",
)

_NL = NumberWords(
    number_words=(
        r"een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|"
        r"vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|"
        r"negentig|honderd"
    ),
    units=(
        r"jaar oud|jaren|jaar|maanden|maand|weken|week|werkdagen|werkdag|dagen|dag|uren|uur|"
        r"minuten|minuut|seconden|seconde|procent|%|keer"
    ),
    months=r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december",
    dates=r"\b\d{{1,2}}-\d{{1,2}}-\d{{4}}\b",
    range_words=r"tot",
    thousands=r"[.\u00a0\u202f ]",
)

NUMBER_LANGUAGES: dict[str, NumberWords] = {"en": _EN, "fr": _FR, "de": _DE, "es": _ES, "it": _IT, "nl": _NL}
_CURRENCY = r"[$€£]|EUR|USD|GBP|CHF"


@lru_cache(maxsize=None)
def _mention(language: str) -> re.Pattern[str]:
    """The mention pattern of ``language`` (English for unknown codes), compiled on first use."""
    words = NUMBER_LANGUAGES.get(language, _EN)
    if words is _EN:
        num = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    else:  # 1.000,50 / 5 000 / 12,5: a comma is the decimal mark
        num = rf"(?:\d{{1,3}}(?:{words.thousands}\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)"
    own_dates = words.dates.format(months=words.months) + "|" if words.dates else ""
    return re.compile(
        own_dates
        + r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"  # 2024-01-31, 1/31/2024
        rf"(?:{_EN.months})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # January 1, 2024
        rf"|\d{{1,2}}\s+(?:{words.months}|{_EN.months})\s+\d{{4}}"  # 1 January 2024, 1 janvier 2024
        rf"|(?:{_CURRENCY})\s?{num}(?:\s?(?:million|billion|Mio\.?|Mrd\.?|k)\b)?"  # $5,000, € 5
        rf"|\b{num}\s?(?:€|(?:EUR|USD|GBP|CHF)\b)"  # 5 €, 1.000 EUR
        rf"|\b(?:(?:{words.number_words})\s*\({num}\)|(?:{words.number_words})|{num})"
        rf"(?:\s*(?:-|\u2013|{words.range_words})\s*{num})?\s*(?:{words.units})(?!\w)"  # 30 jours, zwölf Monate
        r"|\b\d+(?:\.\d+){2,}\b"  # section numbers such as 3.3.5, kept whole
        rf"|\b{num}\b",  # any other number
        re.IGNORECASE,
    )


def mention_pattern(language: str = "en") -> re.Pattern[str]:
    """The compiled pattern of number, amount, duration and date mentions in ``language``."""
    return _mention(language)


def mentions(text: str, language: str = "en") -> list[str]:
    """Numbers, amounts, durations and dates in ``text``, in order, whitespace-collapsed."""
    return [" ".join(match.group(0).split()) for match in _mention(language).finditer(text)]


def changed_numbers(old: str, new: str, language: str = "en") -> tuple[tuple[str | None, str | None], ...]:
    """Pairs ``(old, new)`` of mentions that differ; ``None`` for one added or removed."""
    before, after = mentions(old, language), mentions(new, language)
    if before == after:
        return ()
    pairs: list[tuple[str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(None, [m.lower() for m in before], [m.lower() for m in after], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        for k in range(max(len(olds), len(news))):
            pairs.append((olds[k] if k < len(olds) else None, news[k] if k < len(news) else None))
    # A deletion next to an insertion is one changed number ("Abs. 1" -> "Abs. 3" when the
    # matcher aligned the other mentions around it).
    merged: list[tuple[str | None, str | None]] = []
    for pair in pairs:
        if merged and (merged[-1][1] is None) != (pair[1] is None) and (merged[-1][0] is None) != (pair[0] is None):
            last = merged.pop()
            pair = (last[0] or pair[0], last[1] or pair[1])
        merged.append(pair)
    return tuple(merged)
