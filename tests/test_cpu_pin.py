"""``bot.web.cpu.pin_to_one_cpu``: every thread of a serving process on one CPU.

Run in a child process each time, so that the test process itself is never pinned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs a platform that pins threads and at least two usable CPUs",
)

CHILD = textwrap.dedent(
    """
    import json, os, subprocess, sys, threading
    from bot.web.cpu import pin_to_one_cpu

    started = threading.Event()
    stop = threading.Event()
    def wait():
        started.set()
        stop.wait(30)
    before = threading.Thread(target=wait)  # a thread running before the pin
    before.start()
    started.wait(30)
    cpu = pin_to_one_cpu(int(sys.argv[1]))
    masks = {}
    def record():
        masks["after"] = sorted(os.sched_getaffinity(0))
    after = threading.Thread(target=record)  # a thread started after it
    after.start()
    after.join()
    masks["before"] = sorted(os.sched_getaffinity(before.native_id))
    masks["main"] = sorted(os.sched_getaffinity(0))
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
        capture_output=True, text=True, check=True,
    )
    masks["child"] = json.loads(child.stdout)
    stop.set()
    before.join()
    print(json.dumps({"cpu": cpu, "masks": masks}))
    """
)


def pinned(slot: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(slot)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_every_thread_and_what_it_starts_runs_on_the_chosen_cpu() -> None:
    allowed = sorted(os.sched_getaffinity(0))
    result = pinned(1)
    assert result["cpu"] == allowed[1]
    masks = result["masks"]
    assert isinstance(masks, dict)
    assert masks == {name: [allowed[1]] for name in ("before", "after", "main", "child")}


def test_slots_count_round_the_usable_cpus() -> None:
    allowed = sorted(os.sched_getaffinity(0))
    assert pinned(len(allowed))["cpu"] == allowed[0]
    assert pinned(len(allowed) + 1)["cpu"] == allowed[1]
