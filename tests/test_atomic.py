"""Atomic writes: whole files or nothing, with the mode a plain open() would give."""

from __future__ import annotations

import os
import stat

from aitag.atomic import write_atomic


def test_write_atomic_replaces_whole_file_with_normal_mode(tmp_path):
    target = tmp_path / "sub" / "report.json"
    write_atomic(target, "first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]
