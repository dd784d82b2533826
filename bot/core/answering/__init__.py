"""Answering a question: the desk and everything it decides with.

* ``desk`` / ``answer`` / ``extract``: retrieval, the answer with its quote and sources;
* ``decision`` (+ ``decision_models/``) / ``calibration`` / ``validity`` / ``qtype``:
  answer or escalate, and how sure Loket is;
* ``smalltalk`` / ``synonyms``: greetings and the Dutch vocabulary of the arrangement;
* ``verified_sync``: the core team's verified answers, kept in the desk;
* ``evaluation``: measuring answer quality on labelled question sets.
"""
