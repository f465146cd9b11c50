"""Time budgets: how long one document may take to read and tag, so one file cannot stall a batch.

A block run under :func:`time_limits` gives each document ``seconds``; code that reads or
tags a document runs it under :func:`document_budget`, which raises
:class:`BudgetExceeded` once the time is up. The budget is enforced by a clock signal
that ticks a few times a second in the main thread of a process (the command line, and
each worker process, which runs its chunks in its main thread): Python code and regular
expressions are stopped where they are; a single long numpy call ends first. Where no
clock signal can be had (Windows, or a program calling the library from another thread)
documents are not interrupted.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: How often the clock looks at the running document's deadline, in seconds.
TICK = 0.25


class BudgetExceeded(BaseException):
    """A document ran over its time budget.

    A BaseException, as KeyboardInterrupt is: a reader's ``except Exception`` that turns
    odd failures into an error for its file must not swallow it.
    """


class _State:
    seconds: float | None = None  # the budget of each document, while limits are on
    deadline: float | None = None  # when the running document's time is up
    ticking = False  # the clock signal is installed in this process


def _forked() -> None:
    # A forked worker inherits the flags but not the clock (timers are not inherited).
    _State.ticking = False
    _State.deadline = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _tick(signum, frame) -> None:
    deadline = _State.deadline
    if deadline is not None and time.monotonic() >= deadline:
        _State.deadline = None
        raise BudgetExceeded


def _can_tick() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limits(seconds: float | None) -> Iterator[None]:
    """Give every document read or tagged in this block at most ``seconds`` (None or 0: no limit)."""
    previous_seconds = _State.seconds
    _State.seconds = seconds or None
    start_clock = _State.seconds is not None and not _State.ticking and _can_tick()
    if not start_clock:
        try:
            yield
        finally:
            _State.seconds = previous_seconds
        return
    previous_handler = signal.signal(signal.SIGALRM, _tick)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    _State.ticking = True
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _State.ticking = False
        _State.deadline = None
        # A stream abandoned half way is closed by the collector, maybe in another thread,
        # where handlers cannot be set: ours then stays, and does nothing without a deadline.
        if _can_tick():
            signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0]:  # a timer of the caller's: give it back
            signal.setitimer(signal.ITIMER_REAL, *previous_timer)
        _State.seconds = previous_seconds


def budget_seconds() -> float | None:
    """The per-document budget in force, or None."""
    return _State.seconds


class _DocumentBudget:
    """The context of :func:`document_budget`: a class, not a generator, as it runs once
    per row of an archive of millions."""

    __slots__ = ("armed",)

    def __enter__(self) -> None:
        seconds = _State.seconds
        self.armed = _State.ticking and seconds is not None and _State.deadline is None
        if self.armed and seconds is not None:
            _State.deadline = time.monotonic() + seconds

    def __exit__(self, *exc_info) -> None:
        if self.armed:
            _State.deadline = None


def document_budget() -> _DocumentBudget:
    """Run one document's work; raise :class:`BudgetExceeded` when its budget runs out.

    Nested uses keep the outer deadline, so a step inside a budgeted step gets no more time.
    """
    return _DocumentBudget()


def over_budget_message() -> str:
    """The reason given for a document that ran over its budget."""
    return (
        f"took longer than {_State.seconds:g} s to read and tag, so it was stopped; "
        "raise --timeout to give it more time"
    )
