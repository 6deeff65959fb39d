"""No postcode, free text or client address reaches the logs."""
from __future__ import annotations

import logging

CANARY_POSTCODE = "CV11 4HL"
CANARY_TEXT = "canary-zebra-7731"


def test_access_log_holds_no_query_strings_or_addresses(read_client, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    read_client.get("/signpost", params={"postcode": CANARY_POSTCODE, "category": "stalking"})
    read_client.get("/areas/resolve", params={"q": CANARY_TEXT})
    read_client.get("/services", params={"search": CANARY_TEXT})
    read_client.get("/signpost", params={"postcode": CANARY_TEXT[:16], "category": "stalking"})
    captured = capsys.readouterr()
    # httpx here is the test's own client, not the service; the service silences it.
    ours = captured.err + captured.out + "\n".join(
        r.getMessage() for r in caplog.records if r.name != "httpx"
    )
    assert '"route": "/signpost"' in ours  # the access log did run
    for secret in (CANARY_POSTCODE, CANARY_POSTCODE.replace(" ", "+"), CANARY_TEXT, "testclient"):
        assert secret not in ours
