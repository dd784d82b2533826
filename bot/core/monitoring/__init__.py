"""Monitoring: signals, provincial plans, themes and the weekly summary.

* ``signals`` / ``signal_csv``: signals from the field and their export;
* ``plans``: the provincial plans register;
* ``taxonomy`` / ``themes``: the fixed lists (provinces, themes) and theme detection;
* ``summary`` / ``summary_render`` / ``summary_chart`` / ``weekly``: the weekly summary,
  its text and chart, and posting it once per week.
"""
