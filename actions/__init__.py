"""The Signpost action server (Rasa SDK): one module per concern.

Run from the repository root: `.venv-bot/bin/rasa run actions --actions actions`.
"""
