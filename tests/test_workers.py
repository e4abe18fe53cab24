"""Work is shared by worker processes when asked, and every task's result comes back once."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from publisher.workers import loaded_set_aside, run_each, uncollected_while_loading


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


def test_a_build_collects_only_while_it_works_and_collection_is_on_again_after_it():
    # Loading collects nothing; the work (here, or in workers forked from here) is done
    # with collection on, what was loaded set aside (frozen); collection is on again when
    # the command ends, even by an error: a long `serve` or a test run must not keep every
    # rebuild's garbage.
    seen = []

    @uncollected_while_loading
    def command(jobs: int) -> None:
        seen.append(("loading", gc.isenabled()))
        with loaded_set_aside():
            seen.extend(run_each(lambda _: (gc.isenabled(), gc.get_freeze_count() > 0),
                                 ["a", "b"], jobs=jobs))
        seen.append(("after the work", gc.isenabled(), gc.get_freeze_count()))
        raise ValueError("the command fails")

    for jobs in (1, 2):
        seen.clear()
        with pytest.raises(ValueError):
            command(jobs)
        assert sorted(seen, key=str) == sorted([
            ("loading", False), (0, (True, True)), (1, (True, True)),
            ("after the work", False, 0)], key=str)
        assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_build_command_renders_with_collection_on_and_leaves_it_on(site, run,
                                                                      monkeypatch):
    # The command as a user runs it, in this process as `serve` and the tests do: the
    # issues are laid out with collection on, and it is on after a build, or a failed one.
    import publisher.build

    seen = []
    render_issue = publisher.build.render_issue

    def watched(*args, **kwargs):
        seen.append(gc.isenabled() and gc.get_freeze_count() > 0)
        return render_issue(*args, **kwargs)

    monkeypatch.setattr(publisher.build, "render_issue", watched)
    result = run("build", "--format", "html", "--jobs", "1", cwd=site)
    assert result.exit_code == 0, result.output
    assert seen and all(seen)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    issue = next((site / "issues").glob("*/*.md"))
    issue.write_text(issue.read_text().replace("title:", "titel:", 1))
    result = run("build", "--format", "html", "--force", cwd=site)
    assert result.exit_code != 0 and "titel" in result.output
    assert gc.isenabled() and gc.get_freeze_count() == 0


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
