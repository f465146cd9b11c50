"""Mentions: where a text names one of the four concepts, and whether the author uses the name.

A name inside a product or company ("Vertex AI"), a job title ("Machine Learning
Researcher"), a compound ("vision-language model"), link text, code or a quotation is
not the author's use of the term (LABELS.md rules 10-12): :func:`scan_mentions` finds
every name and says why one is out of scope; :func:`find_mentions` keeps the uses.
The word lists are data (``aitag/data/audit_scopes.json``), the names ``entities.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .entities import Entity, find_entities

# Longest names first, so "generative AI" is one GenAI mention and not an AI one.
_TERM_PATTERNS = [
    (
        "GenAI",
        r"(?i:generative)[\s-]+(?:AIs?\b|A\.I\.|(?i:artificial[\s-]+intelligence|machine[\s-]+"
        r"learning|models?)\b|ML\b)|\b[Gg]en[\s-]?AI\b",
    ),
    ("LLM", r"\bLLMs?\b|(?i:\b(?:large[\s-]+)?language[\s-]+models?\b)"),
    ("ML", r"(?i:\bmachine[\s-]+learning\b)|\bML\b"),
    ("AI", r"(?i:\bartificial[\s-]+intelligence\b)|\bA\.I\.|\bAIs?\b"),
]
_TERMS = re.compile("|".join(f"(?P<{label}>{pattern})" for label, pattern in _TERM_PATTERNS))
# Where a name can start: a scan for these letters is several times faster than trying
# every name at every position, and each hit is then matched in place.
_STARTS = re.compile(r"(?i:a\.?i|ml|llm|large|language|machine|artificial|gen)")

# Quoted text is a title, a word discussed as a word or someone else's claim. Bounded, so
# an unclosed quote costs a bounded scan.
_QUOTED = re.compile(
    r'"[^"\n]{0,400}"|“[^”\n]{0,400}”|‘[^’\n]{0,400}’|«[^»\n]{0,400}»'
    # 'single quotes', not the apostrophes of "it's" or "models'"
    r"|(?<![\w'])'(?=\S)(?:[^'\n]|(?<=\w)'(?=\w)){1,400}?(?<=\S)'(?!\w)"
)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'’&+]*)([ .])$")
_WORD_AFTER = re.compile(r"^ ([A-Za-z][\w'’&+]*)")
_MADE_AFTER = re.compile(r"^-([a-z]+)")
# Capitals that are not themselves a concept's name ("PC", "AWS", not "AI" or "LLM").
_ACRONYM = re.compile(r"(?!(?:AI|ML|LLMs?|GenAI|NLP)$)[A-Z]{2,5}")

#: Why a mention is out of scope (``Mention.scope``); None means the author uses the term.
NAME, JOB, COMPOUND, LINKED, CODE, QUOTED, NUMBER, ABBREVIATION = (
    "name", "job title", "compound", "link", "code", "quote", "number", "abbreviation",
)  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """A concept's name in a passage's text: ``text[start:end]`` names ``concept``.

    ``scope`` is None when the author uses the term, else why the name is not a use.
    """

    concept: str
    start: int
    end: int
    text: str
    scope: str | None = None


@lru_cache(maxsize=1)
def scopes() -> dict[str, frozenset[str]]:
    """The word lists of ``audit_scopes.json``."""
    path = resources.files("aitag") / "data" / "audit_scopes.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = ("not_names", "job_words", "made_words", "field_nouns")
    return {key: frozenset(data[key]) for key in keys}


@lru_cache(maxsize=1)
def mechanisms() -> tuple[int, dict[str, dict[str, re.Pattern]], dict[str, frozenset[str]]]:
    """How far after a term to look, a pattern of the work each concept does per term,
    and each narrower term's own work (``audit_scopes.json``)."""
    path = resources.files("aitag") / "data" / "audit_scopes.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    patterns = {
        term: {
            concept: re.compile(
                r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b"
            )
            for concept, phrases in shown.items()
        }
        for term, shown in data["mechanisms"].items()
    }
    own = {term: frozenset(words) for term, words in data["own_work"].items()}
    return data["mechanism_reach"], patterns, own


_REACH_WORD = re.compile(r"\s*[^\s.;:!?]{1,40}")
_WORDS = re.compile(r"[a-z]+")


def mechanism_shown(text: str, mention: Mention, sentence: str = "") -> str | None:
    """The concept a term's next few words show at work, when it is not the term's own.

    "AI systems are trained to spot defects" shows ML; "AI predicts the next word" an LLM;
    "generative AI helps with anomaly detection" ML. The words are read to the end of the
    clause. A narrower term whose ``sentence`` also shows its own work ("generative AI
    summarises the fraud alerts") shows nothing else.
    """
    reach, patterns, own = mechanisms()
    shown = patterns.get(mention.concept)
    if not shown:
        return None
    end = mention.end
    for _ in range(reach):
        word = _REACH_WORD.match(text, end)
        if not word:
            break
        end = word.end()
    window = text[mention.end : min(end, mention.end + 200)].lower()
    for concept in ("LLM", "ML"):
        if concept in shown and shown[concept].search(window):
            if mention.concept in own and own[mention.concept] & set(
                _WORDS.findall(sentence.lower())
            ):
                return None
            return concept
    return None


def find_mentions(text: str, marks=()) -> list[Mention]:
    """Every use of a concept's name in ``text`` (out-of-scope names left out)."""
    return [m for m in scan_mentions(text, marks)[0] if m.scope is None]


def scan_mentions(text: str, marks=()) -> tuple[list[Mention], list[Entity]]:
    """Every concept name in ``text`` with its scope, and the known names (entities).

    ``marks`` are the passage's context spans ``(start, end, kind)`` (link, code, quote).
    Acronyms are matched in capitals only ("ML", not the "ml" of millilitres).
    """
    words = scopes()
    matches = list(_term_matches(text))
    if not matches:
        return [], []
    entities = find_entities(text)
    outside = [(a, b, kind) for a, b, kind in marks]
    outside += [(m.start(), m.end(), QUOTED) for m in _QUOTED.finditer(text)]
    outside += [(e.start, e.end, NAME) for e in entities]
    outside.sort()
    mentions, k = [], 0
    for match in matches:
        start, end = match.span()
        while k < len(outside) and outside[k][1] <= start:
            k += 1
        scope = next((kind for a, b, kind in outside[k : k + 8] if a <= start < b), None) or _scope(
            text, start, end, match.group(), words
        )
        mentions.append(Mention(match.lastgroup, start, end, match.group(), scope))
    return _joined_pairs(text, mentions), entities


def _term_matches(text: str):
    """The matches of ``_TERMS.finditer(text)``, found from the places a name can start."""
    end = 0
    for start in _STARTS.finditer(text):
        if start.start() < end:
            continue
        match = _TERMS.match(text, start.start())
        if match:
            end = match.end()
            yield match


def _scope(text: str, start: int, end: int, term: str, words) -> str | None:
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    return _joined_scope(before, after, term, words) or _named_scope(before, after, words)


def _joined_scope(before: str, after: str, term: str, words) -> str | None:
    """A term joined to its neighbours: a compound, a label, an acronym defined, a unit."""
    if before.endswith(("-", "@", "#", "_")) and before[-2:-1].isalnum():
        return COMPOUND  # "vision-language model", "non-AI", a handle or hashtag
    if (
        before.endswith("/")
        and before[-2:-1].isalnum()
        or after[:2].startswith("/")
        and after[1:2].isalnum()
    ):
        return COMPOUND  # "AI/ML", "AI/neural networks": a label, not a use
    if before.endswith("(") and after.startswith(")") and term.isupper():
        return ABBREVIATION  # "machine learning (ML)": the acronym defined, not used
    if term == "ML" and before.rstrip()[-1:].isdigit():
        return NUMBER  # "5 ML" of water
    made = _MADE_AFTER.match(after)
    if made and (made.group(1) in words["made_words"] or after.startswith("-as-")):
        return COMPOUND  # "AI-generated content", "LLM-as-judge": a thing named, not the term
    return None


def _named_scope(before: str, after: str, words) -> str | None:
    """A term that is part of a job title or a proper name."""
    following = _WORD_AFTER.match(after)
    if following and following.group(1).lower() in words["job_words"]:
        return JOB
    preceding = _WORD_BEFORE.search(before)
    if preceding and preceding.group(2) == ".":
        return NAME  # "Deci.AI", "Character.AI"
    if preceding and _sentence_initial(before[: -len(preceding.group(0))]):
        preceding = None  # capitalised by its place: "Includes LLMs", "Traditional AI"
    if _capitalised(preceding, words) or _capitalised(following, words):
        return NAME  # "Vertex AI", "AI WebTV", "Constitutional AI", "Core ML Tools"
    if preceding and _ACRONYM.fullmatch(preceding.group(1)) and preceding.group(2) == " ":
        return NAME  # "PC AI", "AWS ML": an acronym and a term make a name
    return None


def _sentence_initial(before: str) -> bool:
    stripped = before.rstrip(" \t")
    return not stripped or stripped[-1] in '.!?:;\n("“*>-•' or stripped.endswith("\n")


def _capitalised(word: re.Match | None, words) -> bool:
    """Whether a neighbouring word reads as part of a proper name."""
    if not word:
        return False
    text = word.group(1)
    return (
        text[0].isupper()
        and any(c.islower() for c in text)
        and text.lower().rstrip("'’s") not in words["not_names"]
    )


def _joined_pairs(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions written as one label ("AI/ML", "AI-ML") are a label, not a use of either."""
    out = list(mentions)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if b.start - a.end == 1 and text[a.end] in "/-&" and a.concept != b.concept:
            out[i] = Mention(a.concept, a.start, a.end, a.text, a.scope or COMPOUND)
            out[i + 1] = Mention(b.concept, b.start, b.end, b.text, b.scope or COMPOUND)
    return out


_NEXT_WORD = re.compile(r"^[\s-]+([a-z]+)")
_QUALIFIED = re.compile(r"[a-z]+-[a-z]+\s+$")


def names_field(text: str, mention: Mention) -> bool:
    """Whether an umbrella term names the field, not a particular system: a field noun
    after it ("AI startups", "AI serving") or a compound qualifier before it ("multi-agent AI")."""
    following = _NEXT_WORD.match(text[mention.end : mention.end + 30])
    if following and following.group(1) in scopes()["field_nouns"]:
        return True
    return bool(_QUALIFIED.search(text[max(0, mention.start - 30) : mention.start]))


def mask_terms(text: str) -> str:
    """``text`` with every concept name replaced by a neutral word, for scoring content."""
    return _TERMS.sub("it", text)
