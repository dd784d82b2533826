"""Loket's core: everything that is the same in Slack, Teams and the terminal.

One package per function, so a capability is found by its folder:

* ``answering/``: the desk, answers, the answer-or-escalate decision and its evaluation;
* ``escalations/``: escalation states, relays of core replies, the SLA and its reminders;
* ``monitoring/``: signals, provincial plans, themes and the weekly summary;
* ``network/``: experts, referrals, announcements, lessons, support requests, updates;
* ``privacy/``: retention, erasure and access (AVG), and the audit log;
* ``delivery/``: how work comes in and messages go out, for every platform (inbox worker,
  outbox drainer, retries, pacing, scheduler, periodic jobs).

At the top: ``service`` (the facade the adapters and the CLI call), ``views`` (the plain
views it returns) and ``home`` (what the home view shows). Nothing here imports an adapter.
"""
