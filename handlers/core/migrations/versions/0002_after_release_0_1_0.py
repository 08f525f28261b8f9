"""After release 0.1.0: the durable inbox, conversation state, the console's sessions and
login codes, the audit log, record flags, ticket assignment; where an activity was held.

Existing activity records get ``place_home`` false and empty ``held_township``/``held_village``
(meaning "held where the reporter is registered", as the code reads them); the server defaults
that fill those rows are dropped again so the upgraded schema equals a new one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_record_flag",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("doubtful", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("flagged_by", sa.String(length=64), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_subject"), ["subject"], unique=False)

    op.create_table(
        "console_login_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    with op.batch_alter_table("console_login_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_console_login_code_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("console_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_console_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "conversation_state",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_id", "name"),
    )
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_state_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "inbox_claim",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("reply", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("inbox_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbox_claim_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbox_claim_status"), ["status"], unique=False)

    op.create_table(
        "ticket_assignment",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    with op.batch_alter_table("ticket_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_assignment_assignee_id"), ["assignee_id"], unique=False
        )

    with op.batch_alter_table("activity_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("place_home", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("held_township", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("held_village", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("activity_record", schema=None) as batch_op:
        for name in ("place_home", "held_township", "held_village"):
            batch_op.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("activity_record", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("held_village")
        batch_op.drop_column("held_township")
        batch_op.drop_column("place_home")

    with op.batch_alter_table("ticket_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_assignment_assignee_id"))

    op.drop_table("ticket_assignment")
    with op.batch_alter_table("inbox_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_claim_status"))
        batch_op.drop_index(batch_op.f("ix_inbox_claim_created_at"))

    op.drop_table("inbox_claim")
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_state_expires_at"))

    op.drop_table("conversation_state")
    with op.batch_alter_table("console_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_session_user_id"))

    op.drop_table("console_session")
    with op.batch_alter_table("console_login_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_login_code_user_id"))

    op.drop_table("console_login_code")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_subject"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_area"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor_id"))

    op.drop_table("audit_entry")
    op.drop_table("activity_record_flag")
