"""Stub: pydantic.dataclasses.dataclass as the standard library's dataclass (no validation)."""
import dataclasses as _std


def dataclass(_cls=None, *, config=None, **kwargs):
    def wrap(cls):
        return _std.dataclass(cls, **kwargs)

    return wrap if _cls is None else wrap(_cls)
