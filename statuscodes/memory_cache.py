"""The per-process page cache when there is no Redis: Django's LocMemCache, bounded in bytes.

LocMemCache bounds only the number of entries, and one entry can be a 1.3 MB export, so a
few thousand entries could take gigabytes per worker. This one also drops the least
recently used entries once the stored (pickled) values pass MAX_BYTES.
"""

from django.core.cache.backends.locmem import LocMemCache

_sizes: dict[str, dict[str, int]] = {}  # cache name -> key -> bytes, beside LocMemCache's own stores


class BoundedMemoryCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 1024 * 1024))
        self._sizes = _sizes.setdefault(name, {})

    def stored_bytes(self) -> int:
        with self._lock:
            return sum(self._sizes.values())

    def _set(self, key, value, timeout=None):
        self._delete(key)  # a replaced value's bytes no longer count
        if len(value) > self.max_bytes:
            return  # larger than the whole budget: not worth evicting everything for
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        total = sum(self._sizes.values())
        while total > self.max_bytes and self._cache:
            oldest, _ = self._cache.popitem()  # LocMemCache keeps the most recent first
            self._expire_info.pop(oldest, None)
            total -= self._sizes.pop(oldest, 0)

    def _cull(self):
        super()._cull()
        for key in set(self._sizes) - set(self._cache):
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._sizes.clear()
        super().clear()
