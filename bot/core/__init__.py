"""Platform-independent core: ask -> answer or escalate, escalation lifecycle, signals, summaries."""
