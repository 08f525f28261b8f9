"""待答问题: the hand-off queue of the viewer's region. Answering here is "回复 N" (the same
service, delivered to the family through the outbox and audited); a ticket can be assigned to
a colleague who covers its region (they get the question in WeCom) and, once answered, added
to the knowledge base's review drafts with the question and answer prefilled ("入库 N")."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response

from bot.web.console.web import (
    ConsoleRoute,
    NotFound,
    Viewer,
    check_form,
    current_viewer,
    number,
    redirect,
    render,
    services,
    wake_delivery,
)
from handlers.core import audit
from handlers.core.errors import DomainError
from handlers.core.messages import Channel
from handlers.handoff import (
    HandoffTicket,
    answer_as,
    assign_ticket,
    assignments,
    colleagues_for,
    draft_as,
    ticket_for,
    tickets_for,
)

router = APIRouter(route_class=ConsoleRoute)

STATUS_LABELS = {"open": "待处理", "forwarded": "已转给工作人员", "answered": "已答复"}
FILTERS = {"open": "待答", "answered": "已答复", "all": "全部"}
LIST_LIMIT = 200


@router.get("/console/tickets")
def ticket_list(
    request: Request, status: str = "open", viewer: Viewer = Depends(current_viewer)
) -> Response:
    svc = services(request)
    status = status if status in FILTERS else "open"
    rows = tickets_for(svc.engine, viewer.scope, include_answered=status != "open")
    if status == "answered":
        rows = [t for t in rows if t.status == "answered"]
    rows = sorted(rows, key=lambda t: t.id or 0, reverse=True)[:LIST_LIMIT]
    assigned = assignments(svc.engine, [t.id for t in rows if t.id is not None])
    people = svc.members.get_many(
        [t.forwarded_to for t in rows] + [t.answered_by for t in rows] + [t.asker_id for t in rows]
    )
    return render(
        request,
        "tickets.html",
        viewer=viewer,
        rows=rows,
        current=status,
        filters=FILTERS,
        labels=STATUS_LABELS,
        assigned=assigned,
        people=people,
        audit_entries=audit.recent(svc.engine, viewer.scope, area=audit.TICKETS, limit=10),
    )


def _ticket(request: Request, viewer: Viewer, ticket_id: str) -> HandoffTicket:
    try:
        return ticket_for(services(request), viewer.actor, number(ticket_id), "查看这个问题")
    except DomainError:
        # another region's ticket reads exactly like a missing one
        raise NotFound("没有这个编号的问题，或者它不在您负责的地区。") from None


def _ticket_page(
    request: Request,
    viewer: Viewer,
    ticket: HandoffTicket,
    *,
    error: str = "",
    answer: str = "",
    status: int = 200,
) -> Response:
    svc = services(request)
    assert ticket.id is not None
    hints = []
    if svc.knowledge is not None:
        kb = svc.knowledge.current()
        hints = [kb.by_id[c] for c in ticket.candidate_ids[:3] if c in kb.by_id]
    people = svc.members.get_many([ticket.asker_id, ticket.answered_by, ticket.forwarded_to])
    return render(
        request,
        "ticket.html",
        viewer=viewer,
        status=status,
        ticket=ticket,
        labels=STATUS_LABELS,
        channel="微信客服（普通微信）" if ticket.channel == Channel.KF.value else "企业微信",
        asker=people.get(ticket.asker_id),
        people=people,
        hints=hints,
        assignment=assignments(svc.engine, [ticket.id]).get(ticket.id),
        colleagues=[m for m in colleagues_for(svc, ticket) if m.user_id != viewer.actor.user_id],
        error=error,
        answer=answer,
        audit_entries=audit.recent(
            svc.engine, viewer.scope, area=audit.TICKETS, subjects=[f"ticket:{ticket.id}"]
        ),
    )


@router.get("/console/tickets/{ticket_id}")
def ticket_page(
    request: Request, ticket_id: str, viewer: Viewer = Depends(current_viewer)
) -> Response:
    return _ticket_page(request, viewer, _ticket(request, viewer, ticket_id))


@router.post("/console/tickets/{ticket_id}/answer")
def answer(
    request: Request,
    ticket_id: str,
    csrf: str = Form(""),
    text: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    ticket = _ticket(request, viewer, ticket_id)
    assert ticket.id is not None
    try:
        answer_as(services(request), viewer.actor, ticket.id, text, via="console", deliver=True)
    except DomainError as exc:
        fresh = _ticket(request, viewer, ticket_id)
        return _ticket_page(request, viewer, fresh, error=exc.message, answer=text, status=400)
    wake_delivery(request)
    return redirect(
        f"/console/tickets/{ticket.id}", done="答复已发出，提问人会在企业微信或微信里收到。"
    )


@router.post("/console/tickets/{ticket_id}/assign")
def assign(
    request: Request,
    ticket_id: str,
    csrf: str = Form(""),
    assignee: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    ticket = _ticket(request, viewer, ticket_id)
    assert ticket.id is not None
    svc = services(request)
    note = assign_ticket(svc, viewer.actor, ticket.id, assignee, via="console")
    assert note.to is not None
    svc.outbox.enqueue(
        note.to,
        note.text,
        key=f"ticket-assign:{ticket.id}:{note.to.ids[0]}",
        origin=f"ticket:{ticket.id}",
    )
    wake_delivery(request)
    return redirect(
        f"/console/tickets/{ticket.id}",
        done=f"已转交给 {assignee}，对方会在企业微信里收到这个问题。",
    )


@router.post("/console/tickets/{ticket_id}/draft")
def draft(
    request: Request,
    ticket_id: str,
    csrf: str = Form(""),
    question: str = Form(""),
    text: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    ticket = _ticket(request, viewer, ticket_id)
    assert ticket.id is not None
    done = draft_as(
        services(request), viewer.actor, ticket.id, via="console", question=question, answer=text
    )
    return redirect(f"/console/tickets/{ticket.id}", done=done)
