"""The shared core every capability builds on.

Message types, the ordered router and its registry, the service container and per-message
context, conversation state, the database and persistent outbox, the member registry, the rate
gate and domain errors. Capabilities (activity logging, FAQ, hand-off, broadcasts, reminders,
groups) sit beside this package and import from it, never the other way round.
"""
