"""Results kept in memory for download after a page was made (never written to disk).

Uploads are deleted as soon as a page is made, but a person reads the change report first
and downloads the Excel version afterwards: the reports of each page are kept here, under an
unguessable token, for ``ttl`` seconds (one hour by default) or until the server stops. The
store is bounded in count and bytes; the oldest results go first. Two people (or two tabs)
working at once each get their own token, so results never mix.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_TTL = 3600.0
DEFAULT_MAX_RESULTS = 50
DEFAULT_MAX_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class Download:
    """One file to download: a safe name, its media type, its bytes and what it is."""

    name: str
    mimetype: str
    data: bytes
    label: str


@dataclass(frozen=True)
class StoredResult:
    """The downloads of one page, by name."""

    token: str
    downloads: Mapping[str, Download]
    created: float
    size: int = field(default=0)


class ResultStore:
    """A thread-safe, bounded, expiring map of token -> downloads."""

    def __init__(self, *, ttl: float = DEFAULT_TTL, max_results: int = DEFAULT_MAX_RESULTS,
                 max_bytes: int = DEFAULT_MAX_BYTES, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_results = max_results
        self.max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[str, StoredResult] = OrderedDict()

    def put(self, downloads: Iterable[Download]) -> str:
        """Keep ``downloads``; returns the token that names them."""
        items = {d.name: d for d in downloads}
        token = secrets.token_urlsafe(18)
        size = sum(len(d.data) for d in items.values())
        with self._lock:
            self._items[token] = StoredResult(token, MappingProxyType(items), self._clock(), size)
            self._evict()
        return token

    def get(self, token: str, name: str) -> Download | None:
        """The download ``name`` of result ``token``, or None when unknown or expired."""
        with self._lock:
            self._evict()
            stored = self._items.get(token)
            return stored.downloads.get(name) if stored is not None else None

    def __len__(self) -> int:
        with self._lock:
            self._evict()
            return len(self._items)

    def _evict(self) -> None:
        """Drop expired results, then the oldest while over the count or byte bound."""
        now = self._clock()
        for token in [t for t, item in self._items.items() if now - item.created > self.ttl]:
            del self._items[token]
        total = sum(item.size for item in self._items.values())
        while self._items and (len(self._items) > self.max_results or total > self.max_bytes):
            _token, oldest = self._items.popitem(last=False)
            total -= oldest.size
