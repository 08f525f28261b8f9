"""One CPU for every thread of a serving process (``XIEHUI_PIN_CPU=1``; off by default).

A worker is one Python process whose threads take turns holding the GIL: the event loop's
thread (HTTP, decryption) and the text threads (claim, routing, the FAQ match, settlement).
Every database statement lets go of the GIL and takes it back. When the threads run on
different cores, each letting go wakes a waiting thread on the other core, which takes the
GIL while the first one comes back from SQLite and must sleep until it is handed back: context
switches and futex round trips for a statement of a few microseconds, a dozen and more per
callback. On one core the woken thread only becomes runnable, and the thread that let go
usually takes the GIL back before it runs; a Python worker computes on one core at a time
anyway. The hand-offs cost most on a quiet machine, where the other core is idle and the woken
thread runs at once: ``xiehui bench cost`` (load average about 1, 2 cores) read 2.60 and 2.31 ms
of CPU per callback unpinned against 1.42 and 1.22 ms pinned, and ``make bench`` 757 and 817
against 834 and 987 callbacks a second.

The price: a pinned worker cannot move away from other busy processes. With the machine
overloaded by other jobs (load average 6-9 on 2 cores) the pinned worker answered fewer
callbacks in ``make bench`` (381, 413, 453 and 478 a second against 480, 539, 507 and 778
unpinned, alternated). Hence off by default: pin on a machine whose cores are the service's,
ideally with ``--workers`` one per core.

``xiehui serve`` puts its one worker on the first CPU it may use; ``--workers N`` puts worker
``i`` on the ``i``-th (counting round), and a replacement worker on the CPU of the one it
replaces.
"""

from __future__ import annotations

import contextlib
import logging
import os

logger = logging.getLogger(__name__)


def pin_to_one_cpu(slot: int, *, only_this_thread: bool = False) -> int | None:
    """Run every thread of this process (or, with ``only_this_thread``, the calling thread),
    and every thread and process they start from now on, on the ``slot``-th CPU (counting
    round) of those the process may use. Returns that CPU, or None when only one CPU is usable
    anyway or the platform cannot pin threads."""
    if not hasattr(os, "sched_setaffinity") or not os.path.isdir("/proc/self/task"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    cpu = allowed[slot % len(allowed)]
    # Linux keeps one CPU mask per thread (0 is the calling one): set it on each thread
    # running now; a new thread gets the mask of the thread that starts it.
    tasks = [0] if only_this_thread else [int(task) for task in os.listdir("/proc/self/task")]
    for task in tasks:
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.sched_setaffinity(task, {cpu})
    logger.info("the service's threads run on CPU %d", cpu)
    return cpu
