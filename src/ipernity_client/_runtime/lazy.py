"""Values built the first time they are read: the large generated tables load only when needed, and
the state kept beside an object (a client's quota cache) made when first asked for."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")


class Lazy(Generic[T]):
    """A value built by ``load`` the first time it is read, once, from any thread."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._load()
                value = self._value
        return value


class Attached(Generic[K, T]):
    """A value per object, made by ``make`` the first time it is asked for, once, and dropped with the object."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._values: weakref.WeakKeyDictionary[K, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, owner: K) -> T:
        with self._lock:
            value = self._values.get(owner)
            if value is None:
                value = self._values[owner] = self._make()
            return value
