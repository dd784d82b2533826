"""The network function (IV, "makelaar") and proactive information (I) of the support arrangement.

* ``experts`` / ``matcher`` / ``intent`` / ``responder``: the expert directory, matching a
  topic to the right experts, and answering "wie weet er iets van …?" with them;
* ``referrals``: expert suggestions on escalations and referrals ("Doorverwijzen");
* ``items`` / ``extra_docs``: announcements and lessons learned, stored in the database and
  searchable through the desk;
* ``support``: requests for practical support (escalations of kind "ondersteuning");
* ``updates``: what changed in the knowledge base, for the updates channel.

Nothing here imports Slack; :mod:`bot.slack.network` wires it to Slack.
"""
