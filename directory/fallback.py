"""The national helplines, straight from the seed files, for when nothing else works.

`python -m directory.fallback` writes actions/data/national_helplines.json, which the
action server bundles so a person gets these lines even when the directory API is
down. The API uses the same list if its own database has nothing to offer.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.db import Base, make_engine, make_sessionmaker
from directory.loader import SEED_DIR, load_seed
from directory.models import Attribute, Scope, Service
from directory.signpost import is_public, service_answer

BUNDLE = Path(__file__).resolve().parent.parent / "actions" / "data" / "national_helplines.json"


@lru_cache(maxsize=1)
def national_helplines(seed_dir: Path = SEED_DIR) -> tuple[dict, ...]:
    """Every assured national service from the seed, as /signpost service objects."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine).begin() as session:
        load_seed(session, seed_dir)
        services = session.scalars(
            select(Service)
            .where(Service.scope == Scope.national)
            .options(selectinload(Service.attributes).selectinload(Attribute.taxonomy_term))
            .order_by(Service.slug)
        )
        answers = []
        for service in services:
            if not is_public(service):
                continue
            answer = service_answer(service, "national")
            answer["open_now"] = None  # a static file cannot know the time it is read
            answers.append(answer)
    engine.dispose()
    return tuple(answers)


def bundle_document() -> dict:
    return {
        "generated_from": "directory/seed/national.yaml by `python -m directory.fallback`; do not edit by hand",
        "services": list(national_helplines()),
    }


def render_bundle() -> str:
    return json.dumps(bundle_document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    if "--check" in sys.argv[1:]:
        if not BUNDLE.exists() or BUNDLE.read_text(encoding="utf-8") != render_bundle():
            print(f"{BUNDLE} is stale: run `.venv/bin/python -m directory.fallback`", file=sys.stderr)
            return 1
        return 0
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_text(render_bundle(), encoding="utf-8")
    print(f"wrote {BUNDLE.relative_to(Path.cwd()) if BUNDLE.is_relative_to(Path.cwd()) else BUNDLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
