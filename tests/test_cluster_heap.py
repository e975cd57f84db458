"""A Dask worker's fixed malloc thresholds are lifted while a chunk is searched, and put back after.

The evidence is the kernel's count of minor page faults (getrusage) in real processes: an 8 MiB
block made and freed again and again is mapped afresh each time under MALLOC_TRIM_THRESHOLD_=65536
(a fault for each of its pages), and reused from the heap with glibc's own thresholds (none).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from isstrack.batch.cluster import _heap_restore

PAGES = (8 << 20) // os.sysconf("SC_PAGE_SIZE")
FRESH = PAGES / 8  # faults per block at least, when it is mapped afresh (measured: every page)
REUSED = PAGES / 100  # faults per block at most, when it comes from the heap (measured: none)
GLIBC = platform.libc_ver()[0] == "glibc"
glibc_only = pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")

# Faults per 8 MiB block made, filled and freed, in this thread only (nothing else in the process counts).
# Bytes, not numpy: numpy asks for huge pages for large arrays, which come (8 MiB in 4 faults) or not.
PROBE = """
import json, resource

def faults(rounds=20):
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    for _ in range(rounds):
        block = b"\\x01" * (8 << 20)
        del block
    return (resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before) / rounds
"""

SCRIPT = (
    PROBE
    + """
from isstrack.batch.cluster import roomy_heap
result = {"before": faults()}
with roomy_heap():
    faults(1)  # the heap grows once
    result["inside"] = faults()
    with roomy_heap():
        pass
    result["after_nested"] = faults()  # the outer search still runs: still lifted
result["after"] = faults()
print(json.dumps(result))
"""
)


def run_probe(env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


@glibc_only
def test_a_nanny_s_trim_threshold_is_lifted_inside_and_restored_after() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    got = run_probe({**env, "MALLOC_TRIM_THRESHOLD_": "65536"})
    assert got["before"] > FRESH  # each block mapped afresh, page by page
    assert got["inside"] < REUSED  # reused from the heap
    assert got["after_nested"] < REUSED
    assert got["after"] > FRESH  # the nanny's setting is back: memory goes back to the system


@glibc_only
def test_without_fixed_thresholds_nothing_is_changed() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    got = run_probe(env)
    # glibc adapts by itself (after mapping the first block): the heap is reused inside and after alike.
    assert got["inside"] < REUSED and got["after"] < REUSED


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"MALLOC_TRIM_THRESHOLD_": "65536"}, (65536, 128 * 1024)),
        ({"MALLOC_MMAP_THRESHOLD_": "1000000"}, (128 * 1024, 1000000)),
        ({"MALLOC_TRIM_THRESHOLD_": "1", "MALLOC_MMAP_THRESHOLD_": "2"}, (1, 2)),
        ({"MALLOC_TRIM_THRESHOLD_": "lots"}, None),
        ({"MALLOC_TRIM_THRESHOLD_": " "}, None),
    ],
)
def test_the_thresholds_to_put_back_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: tuple[int, int] | None
) -> None:
    for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _heap_restore() == expected


WORKER_PROBE = (
    PROBE
    + """
def worker_faults(wrapped):
    import os
    from isstrack.batch.cluster import on_worker
    if wrapped:
        on_worker(faults, 1)  # the heap grows once
    value = on_worker(faults) if wrapped else faults()
    return value, os.environ.get("MALLOC_TRIM_THRESHOLD_")
"""
)


@pytest.fixture(scope="module")
def nanny_cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as local:
        yield local


@glibc_only
def test_chunks_on_a_local_cluster_s_nanny_worker_reuse_the_heap(nanny_cluster: Any) -> None:
    from distributed import Client

    # Made here under a module name no worker can import, so that Dask sends the functions whole.
    namespace: dict[str, Any] = {"__name__": "isstrack_heap_probe"}
    exec(WORKER_PROBE, namespace)
    probe = namespace["worker_faults"]
    with Client(nanny_cluster) as client:
        plain, env = client.submit(probe, False, pure=False).result(timeout=120)
        lifted, _ = client.submit(probe, True, pure=False).result(timeout=120)
    if env is None:
        pytest.skip("this Dask's nanny no longer sets MALLOC_TRIM_THRESHOLD_")
    assert plain > FRESH
    assert lifted < REUSED
