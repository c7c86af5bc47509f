"""One op of a curriculum: its lock, its storage transaction, catching up, leases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from teachkit.storages._base import StoredAssignment, Transaction

if TYPE_CHECKING:
    from teachkit.curriculum._curriculum import Curriculum


class OpContext:
    """One op of a curriculum, as a context manager around a storage transaction.

    On enter: take the curriculum's lock, rebuild a stale teacher, catch up on ops other
    handles wrote, abandon expired assignments. On exit: commit (or roll back), and if
    the teacher moved but the op was not stored, mark it stale so the next op rebuilds
    it from the log. A class, not a generator: this runs twice per ask+tell.
    """

    __slots__ = ("_abandoned", "_cur", "_now", "_tx")

    def __init__(self, cur: Curriculum, now: float) -> None:
        self._cur = cur
        self._now = now

    def __enter__(self) -> Transaction:
        cur = self._cur
        cur._lock.acquire()
        try:
            if cur._stale:
                cur._reload()
            cur._mutating = False
            cur._last_abandoned = []
            self._abandoned: list[StoredAssignment] = []
            self._tx = cur._storage.transaction(cur._info.id)
            tx = self._tx.__enter__()
            try:
                if tx.last_seq > cur._applied:
                    cur._replay(tx.read_ops(cur._applied))
                if cur._lease is not None and self._now >= cur._next_expiry_check:
                    self._abandoned = tx.abandon_expired(self._now)
                    cur._next_expiry_check = self._now + min(1.0, cur._lease / 10)
            except BaseException as exc:
                self._tx.__exit__(type(exc), exc, exc.__traceback__)
                raise
            return tx
        except BaseException:
            cur._lock.release()
            raise

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        cur = self._cur
        try:
            self._tx.__exit__(kind, value, tb)
        except BaseException:
            if cur._mutating:
                cur._stale = True
            raise
        else:
            if kind is not None and cur._mutating:
                cur._stale = True  # the teacher moved but the op was not stored
        finally:
            cur._mutating = False
            cur._lock.release()
        if kind is None:
            cur._report_abandoned(self._abandoned)
