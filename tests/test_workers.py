"""Work is shared by worker processes when asked, and every task's result comes back once."""

from __future__ import annotations

import os

from publisher.workers import run_each


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
