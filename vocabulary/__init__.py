"""The words every part of Signpost shares: the pilot areas, the kinds of abuse, and the
names the gateway, the assistant and the actions use to talk to each other.

One fact in one place. Dependency-free and Python 3.10-compatible, because the directory
and API (Python 3.11+) and the action server (Python 3.10, beside Rasa) all import it.
"""
