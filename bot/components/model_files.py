"""Loading a component's stored scikit-learn objects with skops, trusting only the types the
component itself writes: a model file with anything else in it is refused, not unpickled."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import skops.io as sio


class UntrustedModelError(Exception):
    """The stored model contains object types this component never writes."""


def load_trusted(path: Path, trusted: List[str]) -> Any:
    unknown = [t for t in sio.get_untrusted_types(file=path) if t not in trusted]
    if unknown:
        raise UntrustedModelError(f"untrusted types {unknown} in {path}; refusing to load")
    return sio.load(path, trusted=trusted)
