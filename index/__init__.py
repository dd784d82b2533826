"""Retrieval for Loket: loading, chunking, embedding, searching. Never imports ``bot`` or Slack."""
