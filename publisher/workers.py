"""Run one function over many tasks, in this process or in worker processes.

Workers are forked from the build, so each starts with the site read, the templates
compiled and WeasyPrint imported, and is handed only a task's number; a result comes back
as soon as it is ready, for the progress display.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

#: How many tasks a worker process does before a fresh one takes its place.
TASKS_PER_WORKER = 16

Task = TypeVar("Task")
Result = TypeVar("Result")


class _Work(Generic[Task, Result]):
    def __init__(self, function: Callable[[Task], Result], tasks: Sequence[Task]):
        self.function = function
        self.tasks = tasks


#: The work of the current run, inherited by the forked workers.
_current: _Work[Any, Any] | None = None


def available_cores() -> int:
    """The processor cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system
        return os.cpu_count() or 1


def run_each(function: Callable[[Task], Result], tasks: Sequence[Task],
             jobs: int) -> Iterator[tuple[int, Result]]:
    """Yield `(index, function(tasks[index]))` for every task, in the order they finish.

    With `jobs` above 1 and more than one task, `jobs` worker processes share the work;
    where processes cannot be forked, the work is done here, one task after another.
    """
    jobs = min(jobs, len(tasks))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for index, task in enumerate(tasks):
            yield index, function(task)
        return
    global _current
    _current = _Work(function, tasks)
    try:
        # A worker is replaced after some tasks: WeasyPrint's memory grows with each document.
        with multiprocessing.get_context("fork").Pool(jobs, maxtasksperchild=TASKS_PER_WORKER) \
                as pool:
            yield from pool.imap_unordered(_run, range(len(tasks)))
    finally:
        _current = None


def _run(index: int) -> tuple[int, Any]:
    assert _current is not None, "workers are forked after the work is set"
    try:
        return index, _current.function(_current.tasks[index])
    except Exception as error:
        # An exception the parent cannot rebuild would stop the pool from answering, and
        # the build would wait for ever: send its kind, words and traceback instead.
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:
            raise RuntimeError(f"{type(error).__name__}: {error}\n"
                               f"{traceback.format_exc()}") from None
        raise
