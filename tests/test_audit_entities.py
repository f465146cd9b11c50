"""Entity knowledge: the audit reads every entry of ``data/entities.json`` as what it is.

A name that contains a term is never a mention of the term; a product called by a term
narrower than its concept is a WrongTerm; called by its own concept's term (or a broader
one) it is fine.
"""

from __future__ import annotations

import pytest

from aitag.audit import Auditor
from aitag.audit.entities import find_entities, load_entities
from aitag.audit.mentions import _TERMS, find_mentions
from aitag.audit.rules import WRONG_TERM
from aitag.labels import LABELS, is_ancestor
from aitag.readers import text_document

DATA = load_entities()
#: A plain term for each concept, as a writer would call a product by it.
TERM = {
    "AI": "AI system",
    "ML": "machine learning library",
    "LLM": "LLM",
    "GenAI": "generative AI tool",
}
ENTRIES = [(e, alias) for e in DATA["entities"] for alias in sorted({e["name"], *e["aliases"]})]


@pytest.fixture(scope="module")
def auditor(tagger):
    return Auditor(tagger)


def concept(entity):
    return DATA["kinds"][entity["kind"]]


def audit_all(auditor, texts):
    documents = [text_document(text, doc_id=str(i)) for i, text in enumerate(texts)]
    return [record["findings"] for record in auditor.audit_documents(documents)]


def test_file_format_the_tagger_reads():
    assert set(DATA) >= {"version", "kinds", "entities"}
    assert set(DATA["kinds"].values()) <= {*LABELS, None}
    names = [e["name"] for e in DATA["entities"]]
    assert len(names) == len(set(names))
    for entity in DATA["entities"]:
        assert entity["kind"] in DATA["kinds"], entity
        assert entity["aliases"] and all(isinstance(a, str) and a for a in entity["aliases"])


@pytest.mark.parametrize(("entity", "alias"), ENTRIES, ids=[a for _, a in ENTRIES])
def test_every_alias_is_found_as_its_entity(entity, alias):
    text = f"Last week we tried {alias} for the first time."
    found = find_entities(text)
    assert [(f.name, text[f.start : f.end]) for f in found] == [(entity["name"], alias)]


def test_names_with_a_term_inside_are_never_mentions_or_findings(auditor):
    named = [(e, a) for e, a in ENTRIES if concept(e) is None and _TERMS.search(a)]
    assert named, "the file names no product or organisation with a term inside"
    texts = [
        f"Last quarter we moved our batch jobs to {alias} and cut costs." for _, alias in named
    ]
    for (_, alias), text in zip(named, texts):
        assert find_mentions(text) == [], alias
    for (_, alias), findings in zip(named, audit_all(auditor, texts)):
        assert findings == [], alias


def test_a_product_called_by_a_narrower_term_is_a_wrong_term(auditor):
    cases = []
    for entity, alias in ENTRIES:
        inner = [c for c in LABELS if concept(entity) and is_ancestor(concept(entity), c)]
        for term_concept in inner:
            cases.append((entity, alias, f"{alias} is the best {TERM[term_concept]} I have tried."))
    assert cases
    for (entity, _, text), findings in zip(cases, audit_all(auditor, [c[2] for c in cases])):
        rules = [(f["rule"], f["concept"]) for f in findings]
        assert (WRONG_TERM, concept(entity)) in rules, text


def test_a_product_called_by_its_own_or_a_broader_term_is_fine(auditor):
    cases = []
    for entity, alias in ENTRIES:
        if concept(entity) is None:
            continue
        for term_concept in LABELS:
            if term_concept == concept(entity) or is_ancestor(term_concept, concept(entity)):
                if term_concept != "AI":  # "AI" for a product may be vague by design
                    cases.append(f"{alias} is a {TERM[term_concept]}.")
    for text, findings in zip(cases, audit_all(auditor, cases)):
        assert [f for f in findings if f["rule"] == WRONG_TERM] == [], text
