"""Run shadow scoring over partitions: in this process, or on a Dask cluster.

The models travel to the workers once (scattered), each partition's decisions travel
once, and at most ``in_flight`` partitions are out at a time, so neither the driver nor
a worker holds more than a few partitions however large the log is. Workers never see
the database or any key: only redacted text and account fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from explainer.model.linear import LinearModel
from explainer.shadow.items import ShadowItem
from explainer.shadow.scoring import Stats, score_partition

__all__ = ["Partition", "run_dask", "run_serial"]

Models = Mapping[str, LinearModel]
Partition = tuple[list[ShadowItem], int]  # decisions with text, and how many were erased
Progress = Callable[[int], None]


def run_serial(
    pages: Iterable[Partition], current: Models, candidate: Models, progress: Progress
) -> Stats:
    """Score every partition here, one after another (the one-process baseline)."""
    total = Stats()
    for items, erased in pages:
        total.merge(score_partition(items, current, candidate, erased))
        progress(len(items) + erased)
    return total


def run_dask(
    pages: Iterable[Partition],
    current: Models,
    candidate: Models,
    progress: Progress,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    in_flight: int | None = None,
) -> Stats:
    """Score on Dask: the cluster at ``scheduler``, else a LocalCluster of ``workers``."""
    from distributed import as_completed

    total = Stats()
    with _client(scheduler, workers) as client:
        limit = in_flight or 2 * max(len(client.scheduler_info()["workers"]), 1)
        [models] = client.scatter([(dict(current), dict(candidate))], broadcast=True)
        queue = iter(pages)
        running = as_completed()  # type: ignore[no-untyped-call]
        sizes: dict[str, int] = {}
        for _ in range(limit):
            _submit(client, running, queue, models, sizes)
        for future in running:
            total.merge(future.result())
            progress(sizes.pop(future.key))
            future.release()
            _submit(client, running, queue, models, sizes)
    return total


def _submit(
    client: Any, running: Any, queue: Iterator[Partition], models: Any, sizes: dict[str, int]
) -> None:
    page = next(queue, None)
    if page is None:
        return
    items, erased = page
    future = client.submit(_score, items, erased, models, pure=False)
    sizes[future.key] = len(items) + erased
    running.add(future)


def _score(items: list[ShadowItem], erased: int, models: tuple[Models, Models]) -> Stats:
    return score_partition(items, models[0], models[1], erased)


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    # One thread per worker process: scoring is NumPy-light Python, bound by the GIL.
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client
