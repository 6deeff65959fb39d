"""The kinds of abuse the directory, the assistant and the insights sort by, in the order
people are offered them."""
from __future__ import annotations

from typing import Tuple

CATEGORIES: Tuple[str, ...] = (
    "domestic_abuse",
    "sexual_violence",
    "stalking",
    "fgm",
    "honour_based_abuse",
    "forced_marriage",
)
