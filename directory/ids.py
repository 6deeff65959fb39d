"""Stable identifiers: every seeded record's UUID is derived from readable keys,
so loading the seed twice, or importing our own export, never duplicates anything."""
import uuid

SIGNPOST_NAMESPACE = uuid.UUID("5e1c9a53-6c0f-4b7e-9d3a-2f4b8c1d0e71")


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(SIGNPOST_NAMESPACE, ":".join(str(part) for part in parts)))
