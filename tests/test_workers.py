"""Work is shared by worker processes when asked, and every task's result comes back once."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from publisher.workers import collect_rarely, run_each


def test_two_jobs_run_in_worker_processes_and_return_every_result():
    results = dict(run_each(lambda number: (number * number, os.getpid()), list(range(6)),
                            jobs=2))
    assert sorted(results) == list(range(6))
    assert [square for square, _ in (results[index] for index in range(6))] == \
        [0, 1, 4, 9, 16, 25]
    workers = {pid for _, pid in results.values()}
    assert os.getpid() not in workers
    assert 1 <= len(workers) <= 2


def test_one_job_runs_here():
    results = dict(run_each(lambda number: os.getpid(), ["a", "b"], jobs=1))
    assert results == {0: os.getpid(), 1: os.getpid()}


def test_work_is_done_at_python_s_usual_rate_of_collection_and_all_is_collectable_after():
    # Loading collects rarely; the work (in this process or in workers forked from it) is
    # done at Python's usual rate, with what was loaded set aside, and after it everything
    # is collectable again: a long `serve` must not keep the garbage of every rebuild.
    before = gc.get_threshold()
    try:
        collect_rarely()
        loading = gc.get_threshold()
        for jobs in (1, 2):
            seen = dict(run_each(lambda _: (gc.get_threshold()[0], gc.get_freeze_count() > 0),
                                 ["a", "b"], jobs=jobs))
            assert seen == {0: (700, True), 1: (700, True)}
            assert gc.get_threshold() == loading and gc.get_freeze_count() == 0
        assert loading[0] > 700
    finally:
        gc.set_threshold(*before)


def test_an_error_in_a_worker_reaches_the_build_and_nothing_hangs():
    probe = (
        "from publisher.errors import ContentError, Problem\n"
        "from publisher.workers import run_each\n"
        "class Odd(Exception):\n"
        "    def __init__(self, a, b):\n"
        "        super().__init__(a)\n"
        "def fail(task):\n"
        "    if task == 1:\n"
        "        raise ContentError([Problem('issue.md', 3, 'broken')])\n"
        "    raise Odd('cannot be rebuilt', 2)\n"
        "for tasks in ([1, 1], [2, 2]):\n"
        "    try:\n"
        "        list(run_each(fail, tasks, 2))\n"
        "    except Exception as error:\n"
        "        print(type(error).__name__, str(error).splitlines()[0])\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.splitlines() == ["ContentError issue.md:3: broken",
                                          "RuntimeError Odd: cannot be rebuilt"]
