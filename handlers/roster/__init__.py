"""Roster and member-group imports from office files: plan first, then apply.

One service for the command line (``xiehui members import`` / ``xiehui groups import``) and the
console's upload page: :class:`~handlers.roster.importer.RosterImporter` takes the file's bytes
and name and returns an :class:`~handlers.roster.importer.ImportPlan` (what would be added,
changed, held back or refused, with row numbers and reasons in Chinese); ``apply(plan)`` writes
it. ``table`` reads the files, ``samples`` holds the sample files shipped with the package.
"""
