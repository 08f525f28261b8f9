"""Release 0.1.0: the schema that release created with ``create_all`` (the baseline).

Databases that release created have no ``alembic_version`` table; they are stamped at this
revision and upgraded from here (:func:`handlers.core.schema.upgrade`). Generated from the
release's own models; tests/data/release_0_1_0/ holds the DDL it produced on SQLite and
PostgreSQL, and a test checks that this revision creates the same tables, columns and indexes.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.String(length=64), nullable=False),
        sa.Column("reporter_name", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("group_code", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_end", sa.Date(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("participants_approx", sa.Boolean(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_activity_record_date_start"), "activity_record", ["date_start"], unique=False
    )
    op.create_index(
        op.f("ix_activity_record_group_code"), "activity_record", ["group_code"], unique=False
    )
    op.create_index(
        op.f("ix_activity_record_reporter_id"), "activity_record", ["reporter_id"], unique=False
    )
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=False),
        sa.Column("group_codes", sa.String(), nullable=False),
        sa.Column("leaders_only", sa.Boolean(), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_broadcast_created_by"), "broadcast", ["created_by"], unique=False)
    op.create_index(op.f("ix_broadcast_status"), "broadcast", ["status"], unique=False)
    op.create_table(
        "familyprofile",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_id"),
    )
    op.create_table(
        "handoffticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("asker_id", sa.String(length=128), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("candidates", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("forwarded_to", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("drafted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_handoffticket_asker_id"), "handoffticket", ["asker_id"], unique=False)
    op.create_index(op.f("ix_handoffticket_status"), "handoffticket", ["status"], unique=False)
    op.create_table(
        "member",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("group_code", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index(op.f("ix_member_group_code"), "member", ["group_code"], unique=False)
    op.create_table(
        "membergroup",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("leader_id", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("robot_key", sa.String(), nullable=False),
        sa.Column("user_ids", sa.String(), nullable=False),
        sa.Column("party_ids", sa.String(), nullable=False),
        sa.Column("tag_ids", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("origin", sa.String(length=128), nullable=False),
        sa.Column("target_kind", sa.String(), nullable=False),
        sa.Column("target_ids", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("duplicate_check", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("errcode", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_outboxmessage_key"), "outboxmessage", ["key"], unique=True)
    op.create_index(
        op.f("ix_outboxmessage_not_before"), "outboxmessage", ["not_before"], unique=False
    )
    op.create_index(op.f("ix_outboxmessage_origin"), "outboxmessage", ["origin"], unique=False)
    op.create_index(op.f("ix_outboxmessage_status"), "outboxmessage", ["status"], unique=False)
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("spec", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("calendar_code", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_reminder_calendar_code"), "reminder", ["calendar_code"], unique=False)
    op.create_table(
        "reminderrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("ran_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reminder_id", "period", name="uq_reminder_period"),
    )
    op.create_index(
        op.f("ix_reminderrun_reminder_id"), "reminderrun", ["reminder_id"], unique=False
    )
    op.create_table(
        "activity_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["activity_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_activity_item_category"), "activity_item", ["category"], unique=False)
    op.create_index(
        op.f("ix_activity_item_record_id"), "activity_item", ["record_id"], unique=False
    )
    op.create_table(
        "activity_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("media_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["activity_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_activity_photo_record_id"), "activity_photo", ["record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_photo_record_id"), table_name="activity_photo")
    op.drop_table("activity_photo")
    op.drop_index(op.f("ix_activity_item_record_id"), table_name="activity_item")
    op.drop_index(op.f("ix_activity_item_category"), table_name="activity_item")
    op.drop_table("activity_item")
    op.drop_index(op.f("ix_reminderrun_reminder_id"), table_name="reminderrun")
    op.drop_table("reminderrun")
    op.drop_index(op.f("ix_reminder_calendar_code"), table_name="reminder")
    op.drop_table("reminder")
    op.drop_index(op.f("ix_outboxmessage_status"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_origin"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_not_before"), table_name="outboxmessage")
    op.drop_index(op.f("ix_outboxmessage_key"), table_name="outboxmessage")
    op.drop_table("outboxmessage")
    op.drop_table("membergroup")
    op.drop_index(op.f("ix_member_group_code"), table_name="member")
    op.drop_table("member")
    op.drop_index(op.f("ix_handoffticket_status"), table_name="handoffticket")
    op.drop_index(op.f("ix_handoffticket_asker_id"), table_name="handoffticket")
    op.drop_table("handoffticket")
    op.drop_table("familyprofile")
    op.drop_index(op.f("ix_broadcast_status"), table_name="broadcast")
    op.drop_index(op.f("ix_broadcast_created_by"), table_name="broadcast")
    op.drop_table("broadcast")
    op.drop_index(op.f("ix_activity_record_reporter_id"), table_name="activity_record")
    op.drop_index(op.f("ix_activity_record_group_code"), table_name="activity_record")
    op.drop_index(op.f("ix_activity_record_date_start"), table_name="activity_record")
    op.drop_table("activity_record")
