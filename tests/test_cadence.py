"""The one-shot timer behind signed heads and key-use notes: cancel means done."""

from __future__ import annotations

import threading
import time

from explainer.store.ledger.cadence import Cadence


def test_cancel_waits_for_work_under_way() -> None:
    started, release, done = threading.Event(), threading.Event(), []

    def work() -> None:
        started.set()
        release.wait(5)
        done.append(1)

    cadence = Cadence(work, 0.01, "test")
    cadence.poke()
    assert started.wait(5)
    canceller = threading.Thread(target=cadence.cancel)
    canceller.start()
    canceller.join(0.2)
    assert canceller.is_alive()  # it waits: the caller may dispose of the pool after it
    release.set()
    canceller.join(5)
    assert done == [1] and not canceller.is_alive()


def test_a_cancelled_poke_never_runs_and_a_later_one_does() -> None:
    done: list[int] = []
    cadence = Cadence(lambda: done.append(1), 0.05, "test")
    cadence.poke()
    assert cadence.cancel() is True
    time.sleep(0.2)
    assert done == []
    cadence.poke()
    cadence.poke()  # rides on the pending one
    time.sleep(0.3)
    assert done == [1]
