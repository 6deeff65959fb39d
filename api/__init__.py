"""Signpost's HTTP API: Open Referral UK read endpoints, area resolution, signposting
and the commissioners' write interface."""
