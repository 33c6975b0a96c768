"""The Ray executor on a simulated two-node cluster (ray.cluster_utils.Cluster): tasks run on
both nodes, a killed worker's task is retried, and results equal the local executor's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("ray")

from ray.cluster_utils import Cluster

from tests.executor.tasks import die_once, where
from toolchain.executor import LocalExecutor, WorkItem, run_tasks
from toolchain.executor.ray_executor import RayExecutor

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[RayExecutor]:
    mp = pytest.MonkeyPatch()
    # the nodes' workers import the test's task functions, as an installed project would be
    mp.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    )
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    executor = RayExecutor(cluster.address, max_retries=2)
    try:
        yield executor
    finally:
        executor.close()
        import ray

        ray.shutdown()
        cluster.shutdown()
        mp.undo()


def test_tasks_spread_over_both_nodes(two_nodes: RayExecutor) -> None:
    assert two_nodes.nodes() == 2 and two_nodes.workers == 2
    items = [WorkItem(f"t{i}", {"n": i, "sleep": 0.5}) for i in range(6)]
    out = run_tasks(two_nodes, where, items, progress=False)
    assert [o.value["n"] for o in out] == list(range(6))
    assert len({o.value["node"] for o in out}) == 2


def test_killed_worker_retried_and_results_equal_local(
    two_nodes: RayExecutor, tmp_path: Path
) -> None:
    items = [
        WorkItem(f"t{i}", {"n": i, "die": i % 3 == 0, "marker_dir": str(tmp_path)})
        for i in range(6)
    ]
    remote = run_tasks(two_nodes, die_once, items, progress=False)
    assert [o.attempts for o in remote] == [2, 1, 1, 2, 1, 1]
    for f in tmp_path.iterdir():
        f.unlink()
    local = run_tasks(LocalExecutor(2, mode="processes"), die_once, items, progress=False)
    assert [o.value for o in remote] == [o.value for o in local]
