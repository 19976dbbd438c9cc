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

from explainer.errors import ConfigurationError
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
    worker_peaks: list[int] | None = None,
) -> Stats:
    """Score on Dask: the cluster at ``scheduler``, else a LocalCluster of ``workers``
    (``worker_peaks`` receives each worker's peak resident memory, KiB)."""
    total = Stats()
    with _client(scheduler, workers) as client:
        from distributed import as_completed

        limit = in_flight or 2 * max(len(client.scheduler_info()["workers"]), 1)
        [models] = client.scatter([(dict(current), dict(candidate))], broadcast=True)
        queue = iter(pages)
        running = as_completed()  # type: ignore[no-untyped-call]
        held: dict[str, Any] = {}
        for _ in range(limit):
            _submit(client, running, queue, models, held)
        for future in running:
            total.merge(future.result())
            data, size = held.pop(future.key)
            data.release()
            future.release()
            progress(size)
            _submit(client, running, queue, models, held)
        if worker_peaks is not None:
            worker_peaks.extend(client.run(_peak_rss).values())
    return total


def _submit(
    client: Any, running: Any, queue: Iterator[Partition], models: Any, held: dict[str, Any]
) -> None:
    page = next(queue, None)
    if page is None:
        return
    # Scattered, not passed as an argument: an argument is kept in the task graph, so
    # the driver would hold every partition it ever sent; scattered data lives on a
    # worker and goes when its future is released.
    [data] = client.scatter([page], hash=False)
    future = client.submit(_score, data, models, pure=False)
    held[future.key] = (data, len(page[0]) + page[1])
    running.add(future)


def _peak_rss() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _score(page: Partition, models: tuple[Models, Models]) -> Stats:
    return score_partition(page[0], models[0], models[1], page[1])


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigurationError(
            "explainer shadow runs on Dask: pip install 'explainer[shadow]' "
            "(or pass --serial to score in this process)"
        ) from exc

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
