"""Rasa stores of Signpost's own, named by their module path in the endpoints file."""
