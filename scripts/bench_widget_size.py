"""The widget's size as served (script with its national helplines and strings, and the
stylesheet), gzipped at level 9, written to docs/benchmarks.md.

    .venv/bin/python scripts/bench_widget_size.py
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.i18n import languages  # noqa: E402
from api.routers.widget import WIDGET_DIR, _catalogue, _rendered_script  # noqa: E402
from scripts.benchdoc import write_section  # noqa: E402

BUDGET_BYTES = 12 * 1024


def gzipped(text: str) -> int:
    return len(gzip.compress(text.encode(), compresslevel=9))


def main() -> int:
    script_path = WIDGET_DIR / "signpost.js"
    served_script = _rendered_script(script_path.stat().st_mtime, "en")
    styles = (WIDGET_DIR / "signpost.css").read_text(encoding="utf-8")
    raw_script = script_path.read_text(encoding="utf-8")
    rows = [
        ("signpost.js as written", len(raw_script.encode()), gzipped(raw_script)),
        ("signpost.js as served (with helplines and strings)", len(served_script.encode()), gzipped(served_script)),
        ("signpost.css", len(styles.encode()), gzipped(styles)),
    ]
    total = rows[1][2] + rows[2][2]
    catalogues = {code: _catalogue(0.0, code) for code in languages() if code != "en"}
    largest = max(catalogues, key=lambda code: gzipped(catalogues[code]))
    rows.append((f"strings for another language (largest: {largest}), fetched only when chosen",
                 len(catalogues[largest].encode()), gzipped(catalogues[largest])))
    body = "\n".join([
        "## Widget size (`scripts/bench_widget_size.py`)",
        "",
        "| file | bytes | gzip -9 bytes |",
        "|---|---|---|",
        *[f"| {name} | {size:,} | {packed:,} |" for name, size, packed in rows],
        "",
        f"What a page downloads to show the widget: {total:,} bytes gzipped "
        f"(budget {BUDGET_BYTES:,}). No framework; in English no other requests until the chat is opened, "
        "in another language one more: that language's strings, cacheable.",
    ])
    print(body)
    write_section("widget", body)
    return 0 if total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
