"""Vetoes: readings of a sentence under which a term-level finding would misread the text.

A question, a claim that is not the author's, a category named in passing ("a field of
AI"), an umbrella term naming the field ("AI tools") or chosen beside the specific
concept, or no evidence of the concept the term would refer to.
"""

from __future__ import annotations

import re

from ..labels import is_ancestor
from .claims import claims_allowed
from .mention_features import Candidate
from .mentions import names_field
from .rules import INVERTED_HIERARCHY, VAGUE_TERM, WRONG_TERM

#: What the tagger must see, in the sentence or its passage, of the concept a misused term
#: refers to: a term-level finding needs positive evidence of the other concept.
EVIDENCE = 0.3

# An umbrella term that names the field as such ("AI tools", "adopt AI", "areas of AI")
# is not vague, whatever the passage is about.
_FIELD_AFTER = re.compile(
    r"^(?:[\s-]+(?:tools?|applications?|technolog(?:y|ies)|solutions?|industry|adoption|strategy"
    r"|strategies|landscape|space|field|market|era|revolution|polic(?:y|ies)|ethics|regulation"
    r"|research|journey|evolution|trends?|capabilities|initiatives?|projects?|skills?"
    r"|literacy|governance|safety|world|age|boom|hype|ecosystem|adopters?)\b)",
    re.IGNORECASE,
)
_FIELD_BEFORE = re.compile(
    r"\b(?:adopt(?:s|ed|ing)?|embrac(?:e|es|ed|ing)|(?:areas?|range|world|field|era|age|use"
    r"|future|power|rise|promise|potential|impact|risks?|benefits?|adoption|state)\s+of"
    r"(?:\s+the)?)\s+$",
    re.IGNORECASE,
)
# A term that names a part of a running system ("the LLM side", "LLM calls", "the ML
# service's endpoint") refers to that very software: it is not a wrong word for a concept.
_COMPONENT_AFTER = re.compile(
    r"^(?:['’]s)?[\s-]+(?:side|servers?|serving|backends?|endpoints?|apis?|calls?|requests?"
    r"|providers?|gateways?|prox(?:y|ies)|routers?|workers?|nodes?|clusters?|runtimes?|pods?"
    r"|hosts?|instances?|clients?|sdks?|logs?|latency|throughput|traffic|quotas?|replicas?)\b",
    re.IGNORECASE,
)
# What an agent's language model does (LABELS.md, agents: the text "says something about
# the language model that drives them"): "an LLM can decide which tool to call", "a
# router lets the LLM select one step". There the term names the model, not AI as a whole.
# The words are an agent's software, not deciding as such: "the car's LLM decides on
# braking" still calls a driving model an LLM.
_DRIVES_AGENT = re.compile(
    r"\b(?:agents?|agentic|tools?|tool[- ]calls?|rout(?:e|es|ed|ing)|routers?|control flow"
    r"|orchestrat\w*|planners?|multi-step)\b",
    re.IGNORECASE,
)
# A name that follows a hierarchy word names the category in passing (LABELS.md rule 7).
_PARENT_NAMED = re.compile(
    r"\b(?:speciali[sz]ed|specific|particular|(?:a\s+)?(?:kind|type|form|subset|branch|part"
    r"|class|family|category|field|area|domain|subfield|discipline)s?\s+of(?:\s+the)?)\s+$",
    re.IGNORECASE,
)


def parent_named(before: str) -> bool:
    """Whether the words before a name make it the category named in passing ("a field of AI")."""
    return bool(_PARENT_NAMED.search(before[-40:]))


def allowed(
    rule: str, text: str, sentence: str, candidate: Candidate, used, evidence: bool = True
) -> bool:
    """Whether a finding of ``rule`` on the candidate survives the vetoes.

    ``used`` are the concepts each passage names; ``evidence`` asks for the tagger's
    evidence of the concept the term would refer to (a model finding needs it).
    """
    mention = candidate.mention
    if sentence.rstrip().endswith("?"):
        return False
    before, after = text[max(0, mention.start - 60) : mention.start], text[mention.end :]
    if rule == INVERTED_HIERARCHY:
        # A claim about the nesting names two concepts ("Kaggle isn't machine learning" is not one).
        return candidate.features.get("concepts", 0) >= 2 and claims_allowed(
            sentence, text, candidate.hi
        )
    if evidence and not _evidence(rule, candidate):
        return False
    if parent_named(before):
        return False  # "a field of AI": the category named in passing
    if rule == WRONG_TERM and _COMPONENT_AFTER.match(after[:40]):
        return False
    if rule == VAGUE_TERM:
        return not _umbrella_chosen(text, before, after, candidate, used)
    return True


def names_agent_driver(finding: dict, sentence: str) -> bool:
    """Whether a WrongTerm finding reads "LLM" as AI where the term names the language
    model that drives an agent ("an LLM can decide which tool to call"): the passage is
    about agents (AI), but the term is right."""
    return (
        finding["rule"] == WRONG_TERM
        and finding["mention"].concept == "LLM"
        and finding["concept"] == "AI"
        and bool(_DRIVES_AGENT.search(sentence))
    )


def _umbrella_chosen(text: str, before: str, after: str, candidate: Candidate, used) -> bool:
    """Whether an umbrella term is the right word here, whatever the passage is about."""
    mention = candidate.mention
    if _FIELD_BEFORE.search(before) or _FIELD_AFTER.match(after[:40]) or names_field(text, mention):
        return True  # "AI tools", "adopt AI": the umbrella naming the field
    narrower = {c for c in used.get(candidate.passage, ()) if is_ancestor(mention.concept, c)}
    # The passage names the specific concept too: the umbrella is chosen.
    return bool(narrower)


def _evidence(rule: str, candidate: Candidate) -> bool:
    f = candidate.features
    side = "broader" if rule == WRONG_TERM else "narrower"
    seen = max(f.get(f"sent:{side}", 0.0), f.get(f"pass:{side}", 0.0))
    return seen >= EVIDENCE or f.get(f"s:<product:{side}>", 0.0) > 0
