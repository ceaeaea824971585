"""Stub of pydantic 2 for babybuddy's template ground truth (test/real/run_oracle.sh).

django-qr-code (python3-django-qr-code, sid) imports `pydantic.ConfigDict` and
`pydantic.dataclasses.dataclass` at module level; Django imports every installed templatetags
module when it builds the template engine, so without pydantic the engine cannot be built. Debian
bookworm's python3-pydantic is 1.10 (no ConfigDict) and sid's needs pydantic-core for Python 3.13.
Nothing here is used to find, load or parse a template: only QR-code rendering would validate.
"""

VERSION = "2.0.0-stub"


def ConfigDict(**kwargs):  # noqa: N802 - pydantic's name
    return dict(kwargs)
