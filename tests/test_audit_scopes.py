"""Where a term is not the author's use of it, and the audit's cost on hostile input.

The shapes are the false alarms and misses reported on real text (issue #14): names,
compounds, job titles, headings, links, code and quotes are never flagged; a correct term
is not flagged because its passage is mostly about another concept.
"""

from __future__ import annotations

import time

import pytest

from aitag.audit import Auditor
from aitag.audit.claims import stated_nestings
from aitag.audit.mentions import scan_mentions
from aitag.audit.rules import INVERTED_HIERARCHY, VAGUE_TERM, WRONG_TERM
from aitag.readers import read_documents, text_document


@pytest.fixture(scope="module")
def auditor(tagger):
    return Auditor(tagger)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("We trained the classifier on Vertex AI last year.", "name"),
        ("Deci.AI released a faster detector.", "name"),
        ("Clips of AI WebTV went viral.", "name"),
        ("The model was aligned with Constitutional AI.", "name"),
        ("Convert it with Core ML Tools first.", "name"),
        ("She is a Senior Machine Learning Researcher at Acme.", "job title"),
        ("A vision-language model reads the chart.", "compound"),
        ("AI-generated content floods the feeds.", "compound"),
        ("Our AI/ML roadmap is public.", "compound"),
        ("Rewards can be learned from preferences or from LLM-as-judge scores.", "compound"),
        ("The contest has three categories: Generative AI, Robotics AI and PC AI.", "name"),
        ("Machine learning (ML) learns from data.", "abbreviation"),
        ('The headline "LLMs will draw our pictures" was wrong.', "quote"),
        ("People say 'AI is a subset of machine learning' and it's backwards.", "quote"),
    ],
)
def test_names_compounds_job_titles_and_quotes_are_not_uses(text, scope):
    mentions, _ = scan_mentions(text)
    assert any(m.scope == scope for m in mentions), [(m.text, m.scope) for m in mentions]


@pytest.mark.parametrize(
    "text",
    [
        "The agent executes the plan, and the decision of the LLM is logged for review.",
        "Large language models are increasingly adopted in robotics tasks such as grasping.",
        "Reinforcement learning borrows ideas from other fields of machine learning.",
        "Sora is a generative machine learning model that turns text into video.",
        "AI-generated content now floods social feeds.",
        "We trained the classifier on Vertex AI and served it from the same project.",
        "Jane is a Senior Machine Learning Researcher at Acme, where she builds fraud models.",
        "Machine learning is a subset of AI, and generative AI is a subset of machine learning.",
        "Is AI a subset of machine learning? No: machine learning is a subset of AI.",
        "A common myth is that machine learning is not AI.",
        "Machine learning is not the same thing as AI.",
        "Not all AI is machine learning: route planners and expert systems are AI too.",
        "Developers choose from three categories: Generative AI, Robotics AI and PC AI.",
    ],
)
def test_correct_uses_are_not_flagged(auditor, text):
    assert auditor.audit_text(text) == []


@pytest.mark.parametrize(
    ("text", "rule", "concept"),
    [
        ("My favourite LLM for painting is Midjourney: it nails watercolour.", "aitag.WrongTerm", "GenAI"),
        ("DALL-E, the large language model from OpenAI, draws whatever you describe.", "aitag.WrongTerm", "GenAI"),
        ("Not all machine learning is AI.", "aitag.InvertedHierarchy", "ML"),
        ("There is ML that is not AI.", "aitag.InvertedHierarchy", "ML"),
        ("Machine learning and generative AI are two branches of AI.", "aitag.InvertedHierarchy", "GenAI"),
        ("LLMs aren't real AI.", "aitag.InvertedHierarchy", "LLM"),
        ("AI, ML and GenAI: none of these is a subset of the others.", "aitag.InvertedHierarchy", "ML"),
    ],
)  # fmt: skip
def test_misuses_the_patterns_decide(auditor, text, rule, concept):
    findings = auditor.audit_text(text)
    assert (rule, concept) in [(f["rule"], f["concept"]) for f in findings]


def test_headings_links_and_code_are_never_flagged(auditor, tmp_path):
    post = tmp_path / "post.md"
    post.write_text(
        "# AI is a subset of machine learning\n\n"
        "Read [why AI is a subset of machine learning](https://example.com) and run\n"
        "`print('AI is a subset of machine learning')` before the meeting.\n\n"
        "```\nAI is a subset of machine learning\n```\n",
        encoding="utf-8",
    )
    (document,) = read_documents([str(post)])
    assert auditor.audit(document)["findings"] == []


@pytest.mark.parametrize(
    "unit",
    [
        "AI,",
        "AI ",
        "ML is not AI, ",
        "“AI ",
        "Our AI, unlike generative AI tools such as Midjourney, is not AI. ",
    ],
)
def test_cost_grows_linearly_on_hostile_text(auditor, unit):
    def seconds(n):
        document = text_document(unit * n)
        start = time.perf_counter()
        auditor.audit(document)
        return time.perf_counter() - start

    seconds(200)  # warm up
    small, large = seconds(4000), seconds(16000)
    assert large < 8 * small + 0.5, (small, large)  # 4x the text: linear, with slack


@pytest.mark.parametrize(
    ("sentence", "concepts"),
    [
        ("Machine learning is a subfield of AI.", {"ML", "AI"}),
        ("Generative AI, in short, is a kind of machine learning.", {"GenAI", "ML"}),
        ("AI includes machine learning.", {"AI", "ML"}),
        ("AI is a subset of machine learning.", set()),  # inverted: not stated rightly
        ("Machine learning is not a subfield of AI.", set()),  # negated
        ("Is machine learning a subfield of AI?", set()),  # asked
    ],
)
def test_nesting_stated_rightly_names_both_concepts(sentence, concepts):
    mentions, _ = scan_mentions(sentence)
    assert stated_nestings(sentence, [m for m in mentions if m.scope is None]) == concepts


def _paragraphs(*paragraphs):
    return text_document("\n\n".join(paragraphs))


def test_a_loose_sibling_framing_is_not_flagged_where_the_document_states_the_nesting(auditor):
    # The mention model reads "different things" as flattening the nesting; an author who
    # says in the next paragraph that ML is a subfield of AI has it right.
    loose = "Machine learning and artificial intelligence are different things."
    right = "Machine learning is a subfield of AI that builds models which learn from data."
    assert [f["rule"] for f in auditor.audit_text(loose)] == [INVERTED_HIERARCHY]
    assert auditor.audit(_paragraphs(loose, right))["findings"] == []


def test_an_umbrella_term_is_not_vague_where_the_document_names_the_concept(auditor):
    vague = "Our AI is trained on past transactions to flag fraud and predict risky payments."
    elsewhere = "The team chose gradient boosting after comparing three machine learning methods."
    (finding,) = auditor.audit_text(vague)
    assert (finding["rule"], finding["concept"]) == (VAGUE_TERM, "ML")
    assert auditor.audit(_paragraphs(vague, "Results follow below.", elsewhere))["findings"] == []
    # A concept named only inside a name is not the author's word for it.
    named_only = "The fraud team moved its notebooks to Vertex AI and Core ML Tools last year."
    assert [f["rule"] for f in auditor.audit(_paragraphs(vague, named_only))["findings"]] == [
        VAGUE_TERM
    ]


def test_a_term_naming_a_running_component_is_not_a_wrong_term(auditor):
    wrong = "Our LLM predicts customer churn from purchase history, tenure and account features."
    (finding,) = auditor.audit_text(wrong)
    assert finding["rule"] == WRONG_TERM
    component = wrong.replace("Our LLM predicts", "Our LLM server predicts")
    assert auditor.audit_text(component) == []


@pytest.mark.parametrize(
    "driver",
    [
        "Instead of a fixed pipeline, an agent lets the LLM decide which tool to call next, "
        "observe the result and plan the following step until the task is done.",
        "A planner agent breaks the goal into steps, and the LLM chooses which tool each step "
        "calls.",
    ],
)
def test_the_language_model_driving_an_agent_is_named_by_its_own_term(auditor, driver):
    # Agent documentation names the model that decides, routes and calls tools "the LLM"
    # (LABELS.md, agents). The passage is about agents (AI), but the term is right.
    assert auditor.audit_text(driver) == []


def test_an_llm_said_for_ai_as_a_whole_is_still_a_wrong_term(auditor):
    history = (
        "LLM has gone through two winters since the 1970s, when expert systems promised "
        "machines that reason like human specialists."
    )
    (finding,) = auditor.audit_text(history)
    assert (finding["rule"], finding["concept"]) == (WRONG_TERM, "AI")
