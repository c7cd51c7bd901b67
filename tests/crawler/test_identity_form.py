"""The comparison form's shortcuts (skipping masks that cannot match) change nothing."""

from __future__ import annotations

import random
import re

from crawler.extract import noise

# The rule for runs of spaces as a plain regular expression (noise.py finds them faster).
INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def plain_form(text: str) -> str:
    """``comparison_form`` as written before its shortcuts: every rule on every text."""
    text = INNER_SPACES.sub(" ", noise.TITLE_LINE.sub("# \n", text, count=1)
                            .replace("\xa0", " "))
    text = re.sub(r"[ \t]*\|[ \t]*", "|", text)
    text = noise.MARKDOWN_LINK.sub(
        lambda m: m.group(1) + noise.URL_TOKEN.sub("<id>", noise.UUID.sub("<id>", m.group(2)))
        + m.group(3), text)
    text = noise.UUID.sub("<id>", text)
    return noise.TEXT_TOKEN.sub("<id>", text)


SAMPLES = [
    "# Title | Site\n\nPlain text  with  runs   of spaces.  \nHard break above.",
    "Request 3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b and id 0123456789abcdef0123456789abcdef.",
    "[link](https://x.example/p?sid=a1b2c3d4e5f6a7b8c9d0&t=1712345678) \xa0 text\xa0\xa0x",
    "Call +49 30 12345678 or DEADBEEFdeadbeef00 now; deadbeef-dead-beef-dead-beefdeadbeef",
    "  indented  line\n\ttab  \u00e9t\u00e9  \u2003 em-space  x",
    "a  b  c  d\n  \n x  ",
    "Field| Meaning  \n---|---  \n`CP=` |  header \t|\tx\n| lead | trail |",
    # Hex runs just under and at the lengths that let the masks be tried (24 and 32).
    "id 0123456789abcdef0123456 and 0123456789abcdef01234567 and 0123456789ABCDEF",
    "uuid 3F2A9C1E4B5D4E6F8A7B9C0D1E2F3A4B, almost 3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4",
    "run ------------------------------------ of dashes and a1b2c3d4-e5f6",
    # Link targets with tokens at and just under the lengths the masks need.
    "[a](https://x.example/s/aB3dE5gH7jK9mN1pQ2rS) [b](/t/123456789) [c](/t/1234567890)",
    "[d](https://x.example/p?id=0123456789abcde) [e](/x/0123456789abcdef/y) [f](/a_b-c_d-e)",
]


def test_comparison_form_matches_the_plain_rules() -> None:
    rng = random.Random(14)
    alphabet = "abcdef0123456789 -\xa0\n](xyz#é|\t)_G"
    texts = SAMPLES + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
                       for _ in range(3000)]
    for text in texts:
        assert noise.comparison_form(text) == plain_form(text), text


def test_comparison_form_finds_hex_runs_after_other_scripts() -> None:
    """Runs are located on the UTF-8 bytes: characters of several bytes before a run must
    not shift what is masked."""
    rng = random.Random(15)
    pieces = ["é", "ü", "\U0001F600", "中", " ", "-", "x", "a", "7", "\n",
              "0123456789abcdef0123456789abcdef", "3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
              "deadbeefdeadbeefdeadbeef", "0123456789ABCDEF01234567"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
             for _ in range(3000)]
    masked = 0
    for text in texts:
        form = noise.comparison_form(text)
        assert form == plain_form(text), text
        masked += "<id>" in form
    assert masked > 1000        # the runs were there to mask
