"""Platform-neutral delivery: how work comes in and how messages go out, for every chat platform.

* ``inbox``: requests stored before they are acknowledged, processed once under a lease,
  taken up again after a crash (:class:`~bot.core.delivery.inbox.InboxWorker`);
* ``outbox`` / ``drain``: posts queued with the state change that causes them, sent by
  :class:`~bot.core.delivery.drain.OutboxDrainer` through a platform's ``send``;
* ``retry``: backoff and ``Retry-After``;
* ``ratelimit`` / ``pace``: the per-channel posting pace (in process, or shared by replicas);
* ``scheduler`` / ``jobs``: the minute loop's jobs and once-per-period jobs across replicas;
* ``notices``: messages the core queues, rendered by the adapter beforehand;
* ``platforms``: which platform a stored conversation or inbox row belongs to.

Nothing here imports an adapter: ``bot.slack`` and ``bot.teams`` hand in what is theirs
(a sender, a renderer, how to read their errors).
"""
