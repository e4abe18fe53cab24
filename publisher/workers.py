"""Run one function over many tasks, in this process or in worker processes.

Workers are forked from the build, so each starts with the site read, the templates
compiled and WeasyPrint imported, and is handed only a task's number; a result comes back
as soon as it is ready, for the progress display.

Each worker has a pipe of its own, and shares no lock with the others or the build: a
worker may be stopped, or die, at any moment (Ctrl-C, SIGTERM to the process group, the
system out of memory) without leaving anything that another process waits for. (A pool of
`multiprocessing` shares one queue of work, whose lock a worker holds while it waits; a
worker ended while it held it left the pool waiting for ever.)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, NoReturn, ParamSpec, TypeVar

from publisher.errors import PublisherError
from publisher.output import STOP_SIGNALS, interruption, interrupts_deferred

# multiprocessing is imported where workers are started: a build of one issue, or with
# --jobs 1, does its work in this process and need not load it.
if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext

#: How many tasks a worker process does before a fresh one takes its place.
TASKS_PER_WORKER = 16
#: How long an idle worker told to end (sent None) has to do so before it is killed.
_IDLE_WORKER_ENDS_SECONDS = 2.0

Task = TypeVar("Task")
Params = ParamSpec("Params")
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


def uncollected_while_loading(command: Callable[Params, Result]) -> Callable[Params, Result]:
    """`command`, with no looks for unreachable cycles until its work begins (within
    `loaded_set_aside`).

    Loading makes hundreds of thousands of objects that live as long as the command (the
    modules, the checked sources, the compiled templates), and few cycles: 1,850 objects were
    unreachable when a build of all the samples began its work. Python, looking every 700
    new objects, spent 0.1 s of a one-issue build going through them again, more than
    publisher's own stages. Collection is on again when the command ends, however it ends.
    """

    @functools.wraps(command)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@contextmanager
def loaded_set_aside() -> Iterator[None]:
    """The work in the block done with collection on, at Python's usual rate, and the
    objects made before it set aside (`gc.freeze`): a look for cycles goes through the
    work's own objects alone, and a worker `run_each` forks in the block leaves the pages it
    shares with the build unwritten, as the `gc.freeze` documentation advises. All let back
    at the end (every frozen object, those of an enclosing block too): a long `serve` must
    still collect them. A `with` block, not part of `run_each`: a generator left unfinished
    would put collection back as it was later than the block around it."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()
        if not enabled:
            gc.disable()


def run_each(function: Callable[[Task], Result], tasks: Sequence[Task],
             jobs: int) -> Iterator[tuple[int, Result]]:
    """Yield `(index, function(tasks[index]))` for every task, in the order they finish.

    With `jobs` above 1 and more than one task, `jobs` worker processes share the work;
    where processes cannot be forked, the work is done here, one task after another. An
    exception in a worker is raised here.
    """
    jobs = min(jobs, len(tasks))
    if jobs <= 1:
        yield from _here(function, tasks)
        return
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from _here(function, tasks)
        return
    global _current
    _current = _Work(function, tasks)
    try:
        yield from _share(len(tasks), jobs, multiprocessing.get_context("fork"))
    finally:
        _current = None


def _here(function: Callable[[Task], Result],
          tasks: Sequence[Task]) -> Iterator[tuple[int, Result]]:
    """Each task done in this process, one after another."""
    for index, task in enumerate(tasks):
        yield index, function(task)


class _Worker:
    """A forked process that does the tasks it is sent, one at a time, on its own pipe."""

    def __init__(self, context: ForkContext):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, self.connection),
                                       daemon=True, name="publisher-worker")
        self.process.start()
        theirs.close()
        self.task: int | None = None
        self.done = 0

    def send(self, index: int) -> None:
        self.task = index
        self.connection.send(index)

    def stop(self) -> None:
        """End it: an idle one by asking it to, so that it ends as a process should and
        removes its temporary files (WeasyPrint's copies of the fonts); a busy one at once,
        as it holds nothing another process needs."""
        if self.task is None and self.process.is_alive():
            # Told, not left to find its pipe closed: a worker forked after it holds a copy
            # of the build's end of that pipe, so it would not see it close.
            with contextlib.suppress(OSError):
                self.connection.send(None)
            self.process.join(timeout=_IDLE_WORKER_ENDS_SECONDS)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _share(count: int, jobs: int, context: ForkContext) -> Iterator[tuple[int, Any]]:
    """Give the tasks `0 .. count - 1` to `jobs` workers; yield each result as it comes."""
    waiting = deque(range(count))
    workers: list[_Worker] = []
    try:
        while waiting or any(worker.task is not None for worker in workers):
            workers = [worker for worker in workers if not _retired(worker)]
            while waiting and len(workers) < jobs:
                # Started whole before a Ctrl-C or SIGTERM is let through: raised just
                # after the fork, it would leave a worker that no one stops. Blocked, not
                # only deferred: one arriving in the new process while Python reinitialises
                # itself after the fork would print a traceback from inside that.
                with interrupts_deferred(), _stop_signals_blocked():
                    workers.append(_Worker(context))
            for worker in workers:
                if worker.task is None and waiting:
                    worker.send(waiting.popleft())
            busy = [worker for worker in workers if worker.task is not None]
            if busy:
                yield from _results(busy)
    finally:
        try:
            for worker in workers:
                worker.stop()
        finally:  # a second Ctrl-C while an idle one ends still leaves none running
            for worker in workers:
                if worker.process.is_alive():
                    worker.process.kill()


@contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """The stop signals held back by the system (they wait, pending) while the block runs;
    a process forked in it starts with them held back too, until `_serve` lets them in."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _retired(worker: _Worker) -> bool:
    """Whether `worker` has done its share of tasks, and ended; it is then let go."""
    if worker.task is None and worker.done >= TASKS_PER_WORKER:
        worker.stop()
        return True
    return False


def _results(busy: list[_Worker]) -> Iterator[tuple[int, Any]]:
    """Wait for one or more of the `busy` workers; yield what they finished."""
    from multiprocessing.connection import wait

    ready = wait([*(worker.connection for worker in busy),
                  *(worker.process.sentinel for worker in busy)])
    for worker in busy:
        if worker.connection in ready:
            try:
                index, succeeded, value = worker.connection.recv()
            except EOFError:  # it ended as it was answering
                _ended(worker)
            worker.task, worker.done = None, worker.done + 1
            if not succeeded:
                error, where = value
                raise error from WorkerTraceback(where)  # shown with --debug
            yield index, value
        elif worker.process.sentinel in ready:
            _ended(worker)


def _ended(worker: _Worker) -> NoReturn:
    """A worker ended before it answered: say why."""
    worker.process.join()
    code = worker.process.exitcode or 0
    if -code in STOP_SIGNALS:  # stopped with the build's process group: the build stops
        raise interruption(-code)
    if code == -signal.SIGKILL:
        raise PublisherError("a worker process was killed (SIGKILL) as it rendered an issue; "
                             "if the computer ran out of memory, build with fewer --jobs")
    raise RuntimeError(f"a worker process ended with exit code {code} as it rendered an issue")


def _serve(connection: Connection, builds_end: Connection) -> None:
    """A worker's life: do the tasks it is sent, up to its share, then end; end too when
    the build is done with it (it sends None), or has gone (its end of the pipe closed)."""
    # Ctrl-C is the build's to handle; SIGTERM or SIGHUP ends the worker at once and
    # quietly, as it holds nothing another process waits for.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    builds_end.close()  # the fork's copy, which would keep the pipe open after the build
    try:
        for _ in range(TASKS_PER_WORKER):
            index = connection.recv()
            if index is None:  # the build is done with it
                return
            connection.send_bytes(_run(index))
    except (EOFError, OSError):  # the build has gone
        return
    finally:
        # multiprocessing ends the process with os._exit: what cleans up after itself when
        # collected (WeasyPrint's copies of the fonts, in the temporary folder) is collected
        # now, or never.
        gc.collect()


def _run(index: int) -> bytes | memoryview:
    """Task `index` done, pickled: `(index, True, result)`, or `(index, False, (the
    exception, its traceback))`."""
    from multiprocessing.reduction import ForkingPickler

    assert _current is not None, "workers are forked after the work is set"
    try:
        return ForkingPickler.dumps((index, True, _current.function(_current.tasks[index])))
    except Exception as error:
        where = traceback.format_exc()
        # An exception or a result the build cannot rebuild would not reach it: send its
        # kind, words and traceback instead.
        try:
            return ForkingPickler.dumps((index, False, (pickle.loads(pickle.dumps(error)),
                                                        where)))
        except Exception:
            return ForkingPickler.dumps((index, False, (RuntimeError(
                f"{type(error).__name__}: {error}\n{where}"), where)))


class WorkerTraceback(Exception):
    """Where an exception raised in a worker was raised: its traceback there, as text."""

    def __str__(self) -> str:
        return f'\n"""\n{self.args[0]}"""'
