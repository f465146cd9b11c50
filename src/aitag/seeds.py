"""Seed snippets: the body text of the raw seed posts in ``corpus/raw/``, cut into records.

Labels are given by hand; re-extracting keeps the labels of snippets whose text is
unchanged, so running it again changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from .corpus import Record
from .errors import CorpusError, InputError
from .labels import NO_LABEL
from .sentences import sentence_spans

# Lines of page furniture in the seed posts: breadcrumbs, bylines, reading times.
_BOILERPLATE = re.compile(
    r"^(breadcrumb abstract shape|· \d+ min read|felo search)$", re.IGNORECASE
)
#: Passages shorter than this are headings, table labels or captions, not body text.
MIN_BODY_WORDS = 6
#: Paragraphs longer than this are cut into snippets of 1-3 sentences.
MAX_SNIPPET_WORDS = 90


def body_paragraphs(path: Path) -> list[str]:
    """The body paragraphs of one raw seed post: boilerplate lines and headings removed."""
    from .readers import parse_bytes

    paragraphs = []
    for document in parse_bytes(path.read_bytes(), str(path)):
        if isinstance(document, InputError):
            raise document
        for passage in document.passages:
            lines = [line.strip() for line in passage.text.splitlines()]
            kept = " ".join(line for line in lines if line and not _BOILERPLATE.match(line))
            kept = " ".join(kept.split())
            if len(kept.split()) >= MIN_BODY_WORDS:
                paragraphs.append(kept)
    return paragraphs


def snippets_of(paragraph: str) -> list[str]:
    """A paragraph as one snippet, or a long one as groups of at most three sentences."""
    if len(paragraph.split()) <= MAX_SNIPPET_WORDS:
        return [paragraph]
    sentences = [paragraph[lo:hi] for lo, hi in sentence_spans(paragraph, lines=False)]
    groups, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(current) == 3 or sum(len(s.split()) for s in current) >= MAX_SNIPPET_WORDS // 2:
            groups.append(" ".join(current))
            current = []
    if current:
        groups.append(" ".join(current))
    return groups


def extract_seed_snippets(
    raw_dir: str | Path, labelled: dict[str, Record] | None = None
) -> list[Record]:
    """Snippets of every raw seed post, in order, keeping labels already given to them.

    A snippet whose text is that of a labelled record keeps the record's id and labels,
    so the ids (and with them the test split) do not move when the reader changes what
    it extracts; a new or changed snippet comes out untagged, with an id not used yet,
    to be labelled by hand.
    """
    labelled = labelled or {}
    by_text = {record.text: record for record in labelled.values()}
    used = set(labelled)
    records = []
    for seed_number, path in enumerate(sorted(Path(raw_dir).glob("*.txt"))):
        fresh = (f"s{seed_number:03d}-{n:04d}" for n in range(10_000))
        for paragraph_number, paragraph in enumerate(body_paragraphs(path)):
            for snippet in snippets_of(paragraph):
                source = f"{path.name}#paragraph-{paragraph_number}"
                old = by_text.get(snippet)
                if old is not None and old.id.startswith(f"s{seed_number:03d}-"):
                    records.append(
                        Record(old.id, snippet, old.labels, old.primary, source, old.genre)
                    )
                    continue
                record_id = next(n for n in fresh if n not in used)
                used.add(record_id)
                records.append(Record(record_id, snippet, (), NO_LABEL, source, "seed-post"))
    return records


def check_nothing_labelled_is_lost(
    labelled: dict[str, Record], records: list[Record], where: str
) -> None:
    """Refuse an extraction that would drop snippets already labelled with a tag.

    Labels are given by hand: a ``--raw`` folder missing a post (or the wrong folder)
    would otherwise rewrite the seeds file without them, and the work would be lost.
    """
    kept = {record.id for record in records}
    lost = [record.id for record in labelled.values() if record.labels and record.id not in kept]
    if lost:
        shown = ", ".join(lost[:3]) + (", ..." if len(lost) > 3 else "")
        raise CorpusError(
            f"{where}: {len(lost)} labelled snippet(s) ({shown}) are not in the raw posts; "
            "check --raw, or remove those records from the file first; nothing was written"
        )
