"""Who may act where: the one staff-scope rule shared by chat commands, the console and the CLI.

- A coordinator (协会工作人员) acts only inside the region the roster gives them. A coordinator
  whose region is blank cannot act at all and is told why: a blank region must never mean
  "everywhere" by accident.
- An admin (管理员) with a region in the roster is scoped to it exactly like a coordinator; an
  admin whose region is blank acts for the whole deployment. That is what the admin role is for,
  and it takes a deliberate roster entry (role 管理员) to get it.
- Everyone else (群众, 志愿者, 会员小组长) cannot act as staff.

"Acting" covers answering hand-offs (回复 N), drafting knowledge entries (入库 N), notices,
registering groups, reminders and signing in to the console. :func:`staff_scope` returns the
region an actor may act in (``RegionPath()`` meaning all regions, for admins only) or raises
:class:`PermissionDenied` with a polite Chinese reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.errors import PermissionDenied
from handlers.core.members import Member, RegionPath
from handlers.core.messages import Role

STAFF_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def staff_scope(role: Role, region: RegionPath, action: str) -> RegionPath:
    """The region in which ``role``/``region`` may do ``action`` (a Chinese verb phrase)."""
    if role not in STAFF_ROLES:
        raise PermissionDenied(f"只有协会工作人员和管理员可以{action}。")
    if region.is_empty and role is not Role.ADMIN:
        raise PermissionDenied(
            f"您在名册里还没有登记负责的地区，暂时不能{action}。"
            "请联系管理员在名册里补上您的地区（省、市、县、乡镇）。"
        )
    return region


def can_act(role: Role, region: RegionPath) -> bool:
    """True when ``role``/``region`` passes :func:`staff_scope`."""
    return role in STAFF_ROLES and (role is Role.ADMIN or not region.is_empty)


@dataclass(frozen=True)
class Actor:
    """Who is doing something, whatever the channel (chat message, console page, CLI)."""

    user_id: str
    role: Role
    region: RegionPath
    name: str = ""

    @classmethod
    def of(cls, member: Member) -> Actor:
        return cls(member.user_id, member.role_enum, member.region, member.name)

    def scope(self, action: str) -> RegionPath:
        """See :func:`staff_scope`."""
        return staff_scope(self.role, self.region, action)

    @property
    def can_act(self) -> bool:
        return can_act(self.role, self.region)

    @property
    def label(self) -> str:
        """How records and pages name this person."""
        return (
            f"{self.name}（{self.user_id}）"
            if self.name and self.name != self.user_id
            else self.user_id
        )
