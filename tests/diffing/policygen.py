"""Synthetic policies and edit scripts with known ground truth, for property tests."""

from __future__ import annotations

import random
from dataclasses import dataclass

WORDS = (
    "account address advertising affiliate agreement analytics anonymous app archive audit "
    "authority backup banking billing browser business california camera card carrier "
    "certificate channel checkout child cloud code comment community company complaint "
    "computer condition connection console contact content contract controller cookie "
    "country court credit customer dashboard database deadline delivery device diagnostic "
    "directory dispute document domain download driver email employee employer encryption "
    "engine event evidence export facebook family feature feedback file filter finance "
    "firewall form forum fraud friend gallery game gateway government guardian hardware "
    "health history holder identity image incident insurance interface invoice journal "
    "keyboard language laptop license location log loyalty machine manager map market "
    "media member merchant message metadata microphone mobile model monitor network "
    "newsletter notice number office operator order owner package parent partner password "
    "payment permission phone photo platform player plugin portal preference printer "
    "processor product profile program project provider purchase question receipt record "
    "referral region regulator reminder report request research reseller resource review "
    "reward router sales scanner schedule school screen search sensor server service "
    "session setting signature software sponsor statement storage store subscriber "
    "supplier support survey system tablet teacher team telephone template tenant terminal "
    "ticket token tool tracker transaction translation traveler university update upload "
    "user vendor video visitor voice wallet warranty watch website widget window worker"
).split()


def sentence(rng: random.Random) -> str:
    """A random sentence of 9-14 words from WORDS (distinct sentences barely overlap)."""
    words = rng.sample(WORDS, rng.randint(9, 14))
    if rng.random() < 0.3:
        k = rng.randrange(1, len(words))
        words[k] = f'"{words[k]}"'
    return " ".join(words).capitalize() + "."


def reword(rng: random.Random, text: str) -> str:
    """Replace one or two words of a sentence with words it does not contain."""
    words = text[:-1].lower().split()
    for _ in range(rng.randint(1, 2)):
        k = rng.randrange(len(words))
        words[k] = rng.choice([w for w in WORDS if w not in words and f'"{w}"' not in words])
    return " ".join(words).capitalize() + "."


def reformat(rng: random.Random, text: str) -> str:
    """A formatting-only variant: emphasis, curly quotes, spacing or a link target."""
    words = text[:-1].split()
    k = rng.randrange(len(words))
    style = rng.choice(("bold", "italic", "link", "quote", "space"))
    if style == "quote" and '"' in text:
        opening = True
        out = []
        for char in text:
            if char == '"':
                out.append("\u201c" if opening else "\u201d")
                opening = not opening
            else:
                out.append(char)
        return "".join(out)
    if style == "bold" or style == "quote":
        words[k] = f"**{words[k]}**"
    elif style == "italic":
        words[k] = f"_{words[k]}_"
    elif style == "link":
        words[k] = f"[{words[k]}](https://example.com/{rng.randint(0, 999)})"
    else:
        return "  ".join(words) + ". "
    return " ".join(words) + "."


@dataclass
class Item:
    """One clause of a synthetic policy: a heading or a body sentence."""

    kind: str  # "heading" | "paragraph" | "list-item"
    text: str
    uid: int


def make_policy(rng: random.Random, n_sections: int, per_section: int) -> list[Item]:
    """Headings each followed by body clauses; all texts distinct."""
    items: list[Item] = []
    uid = 0
    seen: set[str] = set()
    for s in range(n_sections):
        items.append(Item("heading", f"Section {s + 1} about {' '.join(rng.sample(WORDS, 2))}", uid))
        uid += 1
        for _ in range(rng.randint(1, per_section)):
            text = sentence(rng)
            while text in seen:
                text = sentence(rng)
            seen.add(text)
            items.append(Item(rng.choice(("paragraph", "paragraph", "list-item")), text, uid))
            uid += 1
    return items


def to_markdown(items: list[Item]) -> str:
    """Seed-style markdown of a synthetic policy (with a seed header line)."""
    out = ["> *The following text is extracted and transformed from the example.com privacy "
           "policy that was archived on 2020-01-01.*", ""]
    for item in items:
        if item.kind == "heading":
            out += [f"## {item.text}", ""]
        elif item.kind == "list-item":
            out += [f"  * {item.text}", ""]
        else:
            out += [item.text, ""]
    return "\n".join(out)


Truth = set[tuple[str, str | None, str | None]]


def edit(rng: random.Random, items: list[Item], n_edits: int) -> tuple[list[Item], Truth]:
    """Apply random clause edits; returns the new items and the expected changes.

    Expected changes are ``(kind, old text, new text)`` with kind ``added``, ``removed``,
    ``modified`` or ``moved``; formatting-only edits expect nothing.
    """
    new = [Item(i.kind, i.text, i.uid) for i in items]
    truth: Truth = set()
    touched: set[int] = set()
    next_uid = max(i.uid for i in items) + 1
    for _ in range(n_edits):
        body = [k for k, it in enumerate(new) if it.kind != "heading" and it.uid not in touched]
        if len(body) < 4:
            break
        op = rng.choice(("add", "remove", "reword", "move", "format"))
        k = rng.choice(body)
        item = new[k]
        if op == "add":
            text = sentence(rng)
            new.insert(k, Item("paragraph", text, next_uid))
            touched.add(next_uid)
            next_uid += 1
            truth.add(("added", None, text))
        elif op == "remove":
            del new[k]
            truth.add(("removed", item.text, None))
        elif op == "reword":
            text = reword(rng, item.text)
            truth.add(("modified", item.text, text))
            new[k] = Item(item.kind, text, item.uid)
            touched.add(item.uid)
        elif op == "move":
            del new[k]
            far = [p for p in range(1, len(new)) if abs(p - k) >= 5 and new[p - 1].kind != "heading"]
            if not far:
                new.insert(k, item)
                continue
            new.insert(rng.choice(far), item)
            truth.add(("moved", item.text, item.text))
            touched.add(item.uid)
        else:
            new[k] = Item(item.kind, reformat(rng, item.text), item.uid)
            touched.add(item.uid)
        touched.add(item.uid)
    return new, truth
