"""Scheduled reminders: APScheduler 3 in Asia/Shanghai, running in exactly one process.

Choices (see the module docstrings for details):

- Where it runs: the web service starts it through the ``bot.web.scheduler_plugin`` APP_PLUGIN
  (``XIEHUI_RUN_SCHEDULER``), and ``xiehui scheduler`` runs it standalone. Both are safe
  together: a Redis lease (``scheduler.leader``) elects one leader; the others stand by and
  take over within one lease TTL (30 s) when the leader dies.
- What it runs: reminders stored in the database (``scheduler.models.Reminder``), reloaded
  every sync (30 s) so edits made by message in any process take effect; job functions in
  ``scheduler.jobs`` are module-level and called with serialisable arguments.
- Exactly once per period: each firing writes a ``ReminderRun`` keyed by (reminder, period)
  after enqueueing its messages with keys ``reminder:<id>:<period>:<group>``; a second attempt
  (another leader in a lease overlap, a restart, the catch-up) finds the record or collapses
  into the same outbox rows.
- Missed runs: on becoming leader and on every sync, the latest scheduled time of each
  reminder is fired if it is within the grace (6 h by default, ``--grace``) and has no run
  record; older misses are skipped, never sent twice.
"""
