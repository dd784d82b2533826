"""Loket: the knowledge desk of the support arrangement (core, store, Slack adapter, CLI)."""
