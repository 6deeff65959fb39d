"""Prometheus metrics from several API processes add up in multiprocess mode (api/metrics.py)."""
from __future__ import annotations

import os
import subprocess
import sys

COUNT_ONE_REQUEST = (
    "from api import metrics; "
    "metrics.REQUESTS.labels('GET', '/healthz', '2xx').inc(); "
    "metrics.REQUEST_SECONDS.labels('GET', '/healthz').observe(0.02)"
)
SCRAPE = "from api import metrics; print(metrics.exposition()[0].decode())"


def test_a_scrape_of_one_process_adds_up_every_process(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(3):  # three worker processes, each answering one request
        subprocess.run([sys.executable, "-c", COUNT_ONE_REQUEST], env=env, check=True)
    scraped = subprocess.run([sys.executable, "-c", SCRAPE], env=env, check=True, capture_output=True,
                             text=True).stdout
    assert 'signpost_http_requests_total{method="GET",route="/healthz",status="2xx"} 3.0' in scraped
    assert 'signpost_http_request_duration_seconds_count{method="GET",route="/healthz"} 3.0' in scraped
