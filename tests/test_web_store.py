"""Results kept in memory for download: per token, bounded, expiring."""

from __future__ import annotations

from matrix_tools.web.store import Download, ResultStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _download(name: str, size: int = 10) -> Download:
    return Download(name, "application/octet-stream", b"x" * size, name)


def test_a_result_is_found_by_its_token_and_name_only():
    store = ResultStore()
    first = store.put([_download("XTL-changes.xlsx")])
    second = store.put([_download("XTL-changes.xlsx", 20)])
    assert first != second
    found, other = store.get(first, "XTL-changes.xlsx"), store.get(second, "XTL-changes.xlsx")
    assert found is not None and other is not None
    assert len(found.data) == 10 and len(other.data) == 20
    assert store.get(first, "other.xlsx") is None and store.get("guess", "XTL-changes.xlsx") is None


def test_results_expire_after_their_time():
    clock = Clock()
    store = ResultStore(ttl=60, clock=clock)
    token = store.put([_download("a.json")])
    clock.now += 59
    assert store.get(token, "a.json") is not None
    clock.now += 2
    assert store.get(token, "a.json") is None and len(store) == 0


def test_the_oldest_results_go_first_beyond_the_count_or_byte_bounds():
    store = ResultStore(max_results=3, max_bytes=100)
    tokens = [store.put([_download("a.json")]) for _ in range(5)]
    assert [store.get(t, "a.json") is not None for t in tokens] == [False, False, True, True, True]
    big = store.put([_download("b.xlsx", 90)])
    assert store.get(big, "b.xlsx") is not None
    assert sum(store.get(t, "a.json") is not None for t in tokens) == 1  # 90 + 10 bytes fit, no more
    alone = store.put([_download("c.xlsx", 150)])  # larger than the bound: kept nowhere
    assert store.get(alone, "c.xlsx") is None and len(store) == 0


def test_many_results_keep_the_store_bounded():
    store = ResultStore(max_results=50)
    for _ in range(2_000):
        store.put([_download("a.json")])
    assert len(store) == 50
