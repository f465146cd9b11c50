"""Model files: a code-free skops file plus a JSON card, loaded cheaply and safely.

The skops file holds only a dict of numpy arrays, strings and numbers. Loading reads that
zip directly against an allowlist of node types kept here (no pickle, no ``skops``
import, no scikit-learn), which keeps ``aitag predict one.txt`` fast; ``skops.io.load``
with no trusted types reads the same file, and the tests check that it does.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from importlib import resources
from pathlib import Path
from typing import cast

import numpy as np

from .atomic import write_atomic
from .defaults import DEFAULT_MODEL_NAME, MODEL_ENV
from .errors import InputError, ModelError, printable
from .labels import LABELS
from .readers.inputs import read_regular
from .scoring import ScoringModel

#: Written into every card; a loader refuses other formats.
MODEL_FORMAT = "aitag-linear/2"

# The only skops nodes a model file may contain: containers and plain data.
_ALLOWED_NODES = {
    ("DictNode", "builtins", "dict"),
    ("ListNode", "builtins", "list"),
    ("JsonNode", "builtins", None),
    ("NdArrayNode", "numpy", "ndarray"),
}
_ALLOWED_DTYPE_KINDS = set("biufU")  # never objects, bytes, records or dates
#: No model file may be larger than this on disk, nor unpack to more (the shipped model
#: is about 1 MB and unpacks to about 17 MB): a zip that claims more is a zip bomb or not
#: ours. Sizes are checked before anything is read or unpacked.
MAX_MODEL_BYTES = 256 << 20
#: The card and the skops schema are small JSON files (a few kilobytes).
MAX_CARD_BYTES = 1 << 20
MAX_SCHEMA_BYTES = 1 << 20
#: Longest n-gram and longest term (characters) a model may hold.
MAX_NGRAM = 8
MAX_TERM_CHARACTERS = 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def card_path(model_path: str | Path) -> Path:
    """The JSON card that sits beside a model file."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".card.json")


def default_model_path() -> Path:
    """``$AITAG_MODEL``, else the model shipped inside the package, else the checkout's."""
    from_env = os.environ.get(MODEL_ENV)
    if from_env:
        return Path(from_env)
    packaged = Path(str(resources.files("aitag"))) / "_models" / f"{DEFAULT_MODEL_NAME}.skops"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "models" / f"{DEFAULT_MODEL_NAME}.skops"


# ---------------------------------------------------------------- saving


def model_bytes(model: ScoringModel) -> bytes:
    """The model as skops bytes, made canonical so the same model gives the same bytes."""
    import skops.io

    return _canonical_zip(skops.io.dumps(model.to_arrays()))


def _canonical_zip(data: bytes) -> bytes:
    # skops names array files and nodes after Python object ids and stamps the zip with
    # the current time; renumbering ids in traversal order and fixing the dates makes
    # the file a function of the model alone.
    source = zipfile.ZipFile(io.BytesIO(data))
    schema = json.loads(source.read("schema.json"))
    renumbered: dict[int, int] = {}
    renamed: dict[str, str] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if "__id__" in node:
                node["__id__"] = renumbered.setdefault(node["__id__"], len(renumbered) + 1)
            if node.get("__loader__") == "NdArrayNode":
                renamed[node["file"]] = f"{node['__id__']}.npy"
                node["file"] = renamed[node["file"]]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for old_name, new_name in sorted(renamed.items(), key=lambda item: item[1]):
            _write_entry(target, new_name, source.read(old_name))
        _write_entry(target, "schema.json", json.dumps(schema, sort_keys=True).encode())
    return out.getvalue()


def _write_entry(archive: zipfile.ZipFile, name: str, payload: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, payload)


def save_model(model: ScoringModel, path: str | Path, card: dict) -> dict:
    """Write the model file and its card atomically; return the card as written."""
    payload = model_bytes(model)
    full_card = {
        "format": MODEL_FORMAT,
        "name": Path(path).stem,
        "file": Path(path).name,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "size_bytes": len(payload),
        "labels": list(LABELS),
        "thresholds": dict(zip(LABELS, map(float, model.thresholds))),
        "document_thresholds": (
            dict(zip(LABELS, map(float, model.document_thresholds)))
            if model.document_thresholds is not None
            else None
        ),
        "params": model.params,
        "n_features": int(len(model.passages.terms)),
        **card,
    }
    # Model and card are two files, and a kill between their two renames must not leave
    # a new model beside its old card. The new card is first written to a known name
    # beside them: a loader that finds the model out of step with its card takes it.
    pending = _pending_card_path(path)
    write_atomic(pending, json.dumps(full_card, indent=2, sort_keys=False) + "\n")
    write_atomic(path, payload)
    os.replace(pending, card_path(path))
    return full_card


def _pending_card_path(model_path: str | Path) -> Path:
    card = card_path(model_path)
    return card.with_name(f".{card.name}.pending")


# ---------------------------------------------------------------- loading


def load_model(path: str | Path | None = None) -> tuple[ScoringModel, dict]:
    """Load a model and its card, refusing anything tampered, untrusted or incompatible.

    ``None`` is the default model; any other path must name a model file.
    """
    if path is not None and (str(path) == "" or Path(path).is_dir()):
        # "" loaded the default model without a word; a folder was told its card was
        # missing (or raised from pathlib).
        raise ModelError(
            f"{printable(str(path)) or repr('')}: is not a model file; give a file written by "
            "`aitag train` (NAME.skops), or no path for the default model"
        )
    path = Path(path) if path is not None else default_model_path()
    card = read_card(path)
    payload = _read_model_file(path, MAX_MODEL_BYTES, "model file")
    digest = hashlib.sha256(payload).hexdigest()
    if digest != card.get("sha256"):
        card = _pending_card(path, digest) or card
    if digest != card.get("sha256"):
        raise ModelError(
            f"{path}: does not match the sha256 in its card {card_path(path).name}; "
            "the file was changed or damaged: retrain it or restore the original"
        )
    arrays = read_arrays(payload, str(path))
    return _check_model(arrays, card, str(path)), card


def _read_model_file(path: Path, limit: int, what: str) -> bytes:
    """A model's file or card, read within ``limit`` bytes: never a FIFO, a device or a
    link to one, so loading a model cannot block or read without end."""
    try:
        return read_regular(path, limit, what)
    except FileNotFoundError:
        raise ModelError(
            f"{path}: model file not found; train one with `aitag train` or pass --model"
        ) from None
    except InputError as error:
        raise ModelError(f"{printable(str(path))}: refused as a {what}: {error.reason}") from None


def _pending_card(path: Path, digest: str) -> dict | None:
    """The card of a save killed between renaming the model and renaming its card."""
    try:
        card = json.loads(read_regular(_pending_card_path(path), MAX_CARD_BYTES).decode("utf-8"))
    except (OSError, InputError, ValueError, RecursionError):
        return None
    ok = isinstance(card, dict) and card.get("sha256") == digest
    return card if ok and card.get("format") == MODEL_FORMAT else None


def read_card(path: Path) -> dict:
    card_file = card_path(path)
    if not path.exists() and not path.is_symlink():
        raise ModelError(
            f"{path}: model file not found; train one with `aitag train` or pass --model"
        )
    try:
        card = json.loads(read_regular(card_file, MAX_CARD_BYTES, "model card").decode("utf-8"))
    except FileNotFoundError:
        raise ModelError(
            f"{path}: its card {card_file.name} is missing; a model needs its card beside it"
        ) from None
    except InputError as error:
        raise ModelError(
            f"{printable(str(card_file))}: refused as a model card: {error.reason}"
        ) from None
    except (OSError, ValueError, RecursionError):
        raise ModelError(
            f"{card_file}: not a readable JSON card; restore it or retrain the model"
        ) from None
    if not isinstance(card, dict) or card.get("format") != MODEL_FORMAT:
        found = card.get("format") if isinstance(card, dict) else None
        raise ModelError(
            f"{path}: model format {found!r} is not {MODEL_FORMAT!r}; retrain it with this version of aitag"
        )
    return card


def read_arrays(payload: bytes, name: str) -> dict:
    """Read a skops file's data against the allowlist; refuse any other node type."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        if sum(info.file_size for info in archive.infolist()) > MAX_MODEL_BYTES:
            raise ModelError(
                f"{name}: too large to be an aitag model (unpacks to over "
                f"{MAX_MODEL_BYTES:,} bytes); use a model written by `aitag train`"
            )
        if archive.getinfo("schema.json").file_size > MAX_SCHEMA_BYTES:
            raise ModelError(
                f"{name}: its schema.json is larger than the {MAX_SCHEMA_BYTES:,} bytes "
                "an aitag model's has; use a model written by `aitag train`"
            )
        schema = json.loads(archive.read("schema.json"))
        return cast(dict, _read_node(schema, archive, name))
    except ModelError:
        raise
    # Whatever a malformed file makes the reader trip on (a list where a dict belongs,
    # nesting deeper than the stack), the answer is the same one line.
    except (
        zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, TypeError,
        AttributeError, RecursionError, MemoryError,
    ):  # fmt: skip
        raise ModelError(
            f"{name}: not a valid skops model file; retrain it or restore the original"
        ) from None


def _read_node(node: dict, archive: zipfile.ZipFile, name: str) -> object:
    loader, module, cls = node.get("__loader__"), node.get("__module__"), node.get("__class__")
    kind = (loader, module, None if loader == "JsonNode" else cls)
    if kind not in _ALLOWED_NODES:
        raise ModelError(
            f"{name}: refuses untrusted type {module}.{cls} ({loader}); "
            "aitag loads only plain arrays and numbers: use a model written by `aitag train`"
        )
    if loader == "DictNode":
        for key_type in node.get("key_types", {}).get("content", []):
            if (key_type.get("__module__"), key_type.get("__class__")) != ("builtins", "str"):
                raise ModelError(f"{name}: refuses a dictionary with non-string keys")
        return {key: _read_node(value, archive, name) for key, value in node["content"].items()}
    if loader == "ListNode":
        return [_read_node(value, archive, name) for value in node["content"]]
    if loader == "JsonNode":
        value = json.loads(node["content"])
        if not isinstance(value, (str, int, float, bool, type(None))):
            raise ModelError(f"{name}: refuses a JSON value of type {type(value).__name__}")
        return value
    if node.get("type") != "numpy":
        raise ModelError(f"{name}: refuses an array not stored as plain numpy data")
    array = _load_npy(archive.read(node["file"]), name)
    if array.dtype.kind not in _ALLOWED_DTYPE_KINDS:
        raise ModelError(f"{name}: refuses an array of dtype {array.dtype}")
    return array


def _load_npy(data: bytes, name: str) -> np.ndarray:
    # The header states the shape; check it against the bytes present before numpy
    # allocates room for it, so a 16-byte header cannot ask for terabytes.
    from numpy.lib import format as npy

    stream = io.BytesIO(data)
    version = npy.read_magic(stream)
    header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
    shape, _, dtype = header(stream)
    if dtype.hasobject:
        raise ValueError("object arrays are pickles")
    if dtype.kind not in _ALLOWED_DTYPE_KINDS or len(shape) > 2:
        raise ModelError(f"{name}: refuses an array of dtype {dtype} and shape {shape}")
    if dtype.kind == "U" and dtype.itemsize > 4 * MAX_TERM_CHARACTERS:
        raise ModelError(f"{name}: refuses terms longer than {MAX_TERM_CHARACTERS} characters")
    size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if size > len(data):
        raise ModelError(f"{name}: refuses an array whose header does not match its data")
    return np.load(io.BytesIO(data), allow_pickle=False)


def _consistent_audit(model: ScoringModel) -> bool:
    if model.audit is None:
        return True
    from .audit.mention_model import MentionModel

    MentionModel.from_arrays(model.audit)  # raises ValueError when the arrays don't fit
    return True


def _check_model(arrays: object, card: dict, name: str) -> ScoringModel:
    if not isinstance(arrays, dict):
        raise ModelError(f"{name}: not an aitag model; use a model written by `aitag train`")
    for where, tags in (("model", arrays.get("labels")), ("card", card.get("labels"))):
        if tags != list(LABELS):  # name the one that differs, the card's as the model's
            raise ModelError(
                f"{name}: its {where}'s tags {printable(str(tags))} are not {list(LABELS)}; use "
                "a model for these tags"
            )
    if not isinstance(card.get("name", ""), str):
        raise ModelError(f"{name}: its card's name is not a string; restore the card")
    try:
        problem = _array_problem(arrays)
        model = None if problem else ScoringModel.from_arrays(arrays)
        if model is not None:
            # The n-gram tables are built now, not at the first document: a vocabulary
            # they cannot hold is a bad model file, refused before any work starts.
            model.passages.prepare()
            _consistent_audit(model)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, MemoryError) as error:
        problem = str(error) or type(error).__name__
    if problem or model is None:
        raise ModelError(
            f"{name}: model arrays are missing or inconsistent ({printable(problem or '')}); retrain the model"
        )
    return model


def _array_problem(arrays: dict) -> str | None:
    """What is wrong with a model's arrays and parameters (types, shapes, ranges), or None."""
    params = arrays.get("params")
    if not isinstance(params, dict):
        return "params is not a dict"
    ngram_max = params.get("ngram_max")
    if type(ngram_max) is not int or not 1 <= ngram_max <= MAX_NGRAM:
        return f"ngram_max must be a whole number from 1 to {MAX_NGRAM}, not {ngram_max!r}"
    n = len(LABELS)
    terms = arrays.get("terms")
    if not isinstance(terms, np.ndarray) or terms.ndim != 1 or terms.dtype.kind != "U":
        return "terms must be a list of strings"
    checks = [
        ("idf", (len(terms),), None),
        ("coef", (n, len(terms)), None),
        ("intercept", (n,), None),
        ("thresholds", (n,), (0.0, 1.0)),
    ]
    document = arrays.get("document")
    if document is not None:
        if not isinstance(document, dict) or not isinstance(document.get("mean"), np.ndarray):
            return "document is not a dict of arrays"
        features = len(document["mean"])
        checks += [
            ("document.coef", (n, features), None),
            ("document.intercept", (n,), None),
            ("document.mean", (features,), None),
            ("document.scale", (features,), (1e-300, np.inf)),
            ("document.thresholds", (n,), (0.0, 1.0)),
        ]
    for key, shape, bounds in checks:
        value = (document or {}).get(key[9:]) if key.startswith("document.") else arrays.get(key)
        problem = _numbers_problem(key, value, shape, bounds)
        if problem:
            return problem
    return None


def _numbers_problem(
    key: str, value: object, shape: tuple, bounds: tuple[float, float] | None
) -> str | None:
    """What is wrong with one array of a model: its type, shape or values, or None."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
        return f"{key} must be an array of numbers"
    if value.shape != shape:
        return f"{key} has shape {value.shape}, not {shape}"
    if not np.isfinite(value).all():
        return f"{key} holds values that are not finite numbers (NaN or infinity)"
    if bounds and not ((value >= bounds[0]) & (value <= bounds[1])).all():
        return f"{key} holds values outside [{bounds[0]:g}, {bounds[1]:g}]"
    return None
