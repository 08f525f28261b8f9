"""Alembic migrations of the database schema (run through :mod:`handlers.core.schema`).

``versions/`` holds one revision per schema change; the first (``0001``) is the schema of
release 0.1.0, so a database that release created upgrades in place.
"""
