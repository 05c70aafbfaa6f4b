"""A job's `timeout_s` bounds each document: a worker that holds one longer is ended, its document
recorded as timed out, and the other documents go on (local workers and Ray actors alike).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from msa.engines import EngineOptions, map_documents
from tests.fault_corpus import SleepJob


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 2**20)
    yield ray
    ray.shutdown()


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_a_document_past_the_time_limit_is_recorded_and_the_others_finish(engine, request):
    if engine == "ray":
        request.getfixturevalue("ray_local")
    start = time.monotonic()
    batches = map_documents(
        SleepJob(), [0.0, 60.0, 0.1, 0.2, 60.0, 0.0], EngineOptions(engine=engine, workers=2)
    )
    results = sorted(result for batch in batches for result in batch)
    assert results == [
        ("done", 0.0),
        ("done", 0.0),
        ("done", 0.1),
        ("done", 0.2),
        ("timed out after 1 s", 60.0),
        ("timed out after 1 s", 60.0),
    ]
    assert time.monotonic() - start < 30


def test_a_job_without_a_time_limit_waits_for_its_documents():
    @dataclass(frozen=True)
    class Patient(SleepJob):
        timeout_s: float = 0.0  # no limit

    results = [r for batch in map_documents(Patient(), [1.5], EngineOptions(workers=1)) for r in batch]
    assert results == [("done", 1.5)]
