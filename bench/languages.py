"""Policies in other languages: detection, known edits on real texts, topic agreement.

    .venv/bin/python bench/languages.py                     # the corpus's French and German streams
    .venv/bin/python bench/languages.py FOLDER [FOLDER ...] # any folders of .md / .txt texts

For each folder: the language of every text (``diffing.detect_language``) and its CPU
time; then, on the longest text of each language, ``--cases`` random edit scripts of real
sentences (``tests/diffing/langgen.py``: added, removed, modified, moved clauses, changed
numbers, formatting-only edits) scored per change kind (precision / recall) and for
changed numbers. Last, the topic agreement on the parallel sample below: GDPR article
titles in their official English, French and German wording, each language tagged with
its own lexicon, compared with the English lexicon's tags.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diffing.language import detect_language  # noqa: E402
from diffing.topics import TOPICS, tag_topics  # noqa: E402
from tests.diffing.langgen import KINDS, measure, real_sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "ota"
DEFAULT_FOLDERS = [CORPUS / "mektoube-privacy-policy" / "versions", CORPUS / "finya-privacy-policy" / "versions"]

# Official titles of GDPR articles (Regulation (EU) 2016/679) in English, French, German.
GDPR_TITLES: tuple[tuple[str, str, str], ...] = (
    ("Lawfulness of processing", "Licéité du traitement", "Rechtmäßigkeit der Verarbeitung"),
    ("Conditions for consent", "Conditions applicables au consentement", "Bedingungen für die Einwilligung"),
    ("Conditions applicable to child's consent in relation to information society services",
     "Conditions applicables au consentement des enfants en ce qui concerne les services de la société de l'information",
     "Bedingungen für die Einwilligung eines Kindes in Bezug auf Dienste der Informationsgesellschaft"),
    ("Information to be provided where personal data are collected from the data subject",
     "Informations à fournir lorsque des données à caractère personnel sont collectées auprès de la personne concernée",
     "Informationspflicht bei Erhebung von personenbezogenen Daten bei der betroffenen Person"),
    ("Right of access by the data subject", "Droit d'accès de la personne concernée", "Auskunftsrecht der betroffenen Person"),
    ("Right to rectification", "Droit de rectification", "Recht auf Berichtigung"),
    ("Right to erasure ('right to be forgotten')", "Droit à l'effacement («droit à l'oubli»)",
     "Recht auf Löschung („Recht auf Vergessenwerden“)"),
    ("Right to restriction of processing", "Droit à la limitation du traitement", "Recht auf Einschränkung der Verarbeitung"),
    ("Right to data portability", "Droit à la portabilité des données", "Recht auf Datenübertragbarkeit"),
    ("Right to object", "Droit d'opposition", "Widerspruchsrecht"),
    ("Processor", "Sous-traitant", "Auftragsverarbeiter"),
    ("Security of processing", "Sécurité du traitement", "Sicherheit der Verarbeitung"),
    ("Notification of a personal data breach to the supervisory authority",
     "Notification à l'autorité de contrôle d'une violation de données à caractère personnel",
     "Meldung von Verletzungen des Schutzes personenbezogener Daten an die Aufsichtsbehörde"),
    ("Designation of the data protection officer", "Désignation du délégué à la protection des données",
     "Benennung eines Datenschutzbeauftragten"),
    ("Transfers on the basis of an adequacy decision", "Transferts fondés sur une décision d'adéquation",
     "Datenübermittlung auf der Grundlage eines Angemessenheitsbeschlusses"),
    ("Binding corporate rules", "Règles d'entreprise contraignantes", "Verbindliche interne Datenschutzvorschriften"),
    ("Transfers or disclosures not authorised by Union law",
     "Transferts ou divulgations non autorisés par le droit de l'Union",
     "Nach dem Unionsrecht nicht zulässige Übermittlung oder Offenlegung"),
    ("Right to lodge a complaint with a supervisory authority",
     "Droit d'introduire une réclamation auprès d'une autorité de contrôle",
     "Recht auf Beschwerde bei einer Aufsichtsbehörde"),
    ("Storage limitation: personal data shall be kept no longer than is necessary",
     "Limitation de la conservation : les données sont conservées pendant une durée n'excédant pas celle nécessaire",
     "Speicherbegrenzung: personenbezogene Daten werden nicht länger als erforderlich gespeichert"),
    ("Information on the transfer of personal data to a third country",
     "Informations sur le transfert de données à caractère personnel vers un pays tiers",
     "Informationen über die Übermittlung personenbezogener Daten an ein Drittland"),
)


def texts_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt") and p.is_file())


def agreement() -> None:
    """Per language: titles whose topic set equals the English one's, and micro P/R/F1."""
    print("\nTopic agreement with the English lexicon on GDPR article titles "
          f"({len(GDPR_TITLES)} titles, official wording):")
    for column, language in ((1, "fr"), (2, "de")):
        same = 0
        tp = fp = fn = 0
        per_topic: Counter[str] = Counter()
        for row in GDPR_TITLES:
            english = set(tag_topics(row[0], language="en"))
            other = set(tag_topics(row[column], language=language))
            same += english == other
            tp += len(english & other)
            fp += len(other - english)
            fn += len(english - other)
            per_topic.update(english ^ other)
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(f"  {language}: same topic set {same}/{len(GDPR_TITLES)}, micro precision {precision:.2f} "
              f"recall {recall:.2f} F1 {f1:.2f}; disagreements by topic: "
              + (", ".join(f"{t} {n}" for t, n in per_topic.most_common() if t in TOPICS) or "none"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--cases", type=int, default=100, help="edit scripts per language (default 100)")
    args = parser.parse_args()
    longest: dict[str, tuple[int, Path]] = {}
    for folder in args.folders:
        files = texts_of(folder)
        counts: Counter[str] = Counter()
        started = time.process_time()
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            language = detect_language(text) or "undetermined"
            counts[language] += 1
            if language != "undetermined" and len(text) > longest.get(language, (0, path))[0]:
                longest[language] = (len(text), path)
        cpu = (time.process_time() - started) * 1000 / max(len(files), 1)
        print(f"{folder}: {len(files)} texts, " + ", ".join(f"{k} {n}" for k, n in counts.most_common())
              + f"; {cpu:.1f} ms CPU per text (first includes loading the model)")
    print(f"\nKnown edits on real sentences ({args.cases} edit scripts per language):")
    print(f"  {'lang':4} {'sent.':>5} " + " ".join(f"{k + ' P/R':>15}" for k in KINDS) + "  numbers   right")
    for language, (_, path) in sorted(longest.items()):
        pool = real_sentences(path.read_text(encoding="utf-8", errors="replace"), language)
        if len(pool.sentences) < 16:
            print(f"  {language:4} {len(pool.sentences):>5} too few sentences in {path.name}")
            continue
        score = measure(pool, args.cases)
        cells = " ".join(f"{score.precision(k):>7.3f}/{score.recall(k):<7.3f}" for k in KINDS)
        print(f"  {language:4} {len(pool.sentences):>5} {cells}  {score.numbers_found:>3}/{score.numbers_expected:<4}"
              f" {score.correct():.3f}   ({path.name}; false alarms {score.false_alarms})")
    agreement()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
