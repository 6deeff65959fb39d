"""The action server's settings: read once from the environment, with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from vocabulary.ranking import CARDS_SHOWN

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
LOCALES_DIR = REPO_ROOT / "locales"

# A second abuse category is read from the same message when the classifier gives it
# at least this confidence ("he hits me and he raped me").
SECOND_CATEGORY_MIN_CONFIDENCE = 0.25
# Services shown per category, in the directory's order (local, then the national
# line and the specialist lines that apply, then general lines): few enough for a
# phone screen.
MAX_SERVICES_PER_CATEGORY = CARDS_SHOWN


@dataclass(frozen=True)
class Settings:
    api_url: str
    api_timeout_seconds: float
    api_attempts: int
    council_url: str
    national_helplines_file: Path


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    return Settings(
        api_url=environ.get("SIGNPOST_API_URL", "http://127.0.0.1:8000").rstrip("/"),
        api_timeout_seconds=float(environ.get("SIGNPOST_API_TIMEOUT_SECONDS", "2")),
        # One try and one retry: the person is waiting, and the bundled national
        # helplines are a good answer too.
        api_attempts=2,
        council_url=environ.get("SIGNPOST_COUNCIL_URL", "https://www.gov.uk/find-local-council"),
        national_helplines_file=Path(
            environ.get(
                "SIGNPOST_NATIONAL_HELPLINES", PACKAGE_DIR / "data" / "national_helplines.json"
            )
        ),
    )


SETTINGS = load_settings()
