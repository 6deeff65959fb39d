"""The chat gateway: the browser's only way to the assistant."""
