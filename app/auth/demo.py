"""The demo country's users: one per role, with passwords printed by `vigia demo`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ROLES, User
from app.auth.service import create_user
from app.movements.models import Declaration
from app.registry.models import Operator

DEMO_DOMAIN = "demo.vigia"
# Known passwords: the demo is for trying the workspace on one's own machine, never for data
# that matters. A real installation creates its users with `vigia users create`.
SECOND_SUPERVISOR = "supervisor2"
# A second regulator: publishing a rule change needs one regulator to propose, another to approve.
SECOND_REGULATOR = "regulator2"
SECOND_OF = {SECOND_SUPERVISOR: "supervisor", SECOND_REGULATOR: "regulator"}


def demo_accounts() -> list[tuple[str, str, str]]:
    """Return the demo sign-ins: (email, role, password); two supervisors and two regulators
    for four eyes."""
    names = [*ROLES, SECOND_SUPERVISOR, SECOND_REGULATOR]
    return [(f"{name}@{DEMO_DOMAIN}", SECOND_OF.get(name, name), f"demo-{name}-2026")
            for name in names]


def demo_company_licence(session: Session) -> str | None:
    """Return the operator the demo's company user is bound to: the first one that declared."""
    declared = session.scalar(select(Declaration.licence_no).join(
        Operator, Operator.licence_no == Declaration.licence_no)
        .order_by(Declaration.licence_no).limit(1))
    return declared or session.scalar(select(Operator.licence_no)
                                      .order_by(Operator.licence_no).limit(1))


def create_demo_users(*, session: Session) -> list[tuple[str, str, str]]:
    """Create the demo users that do not exist yet; return every demo sign-in.

    The company user is bound to one demo operator and sees its portal (app/portal).
    """
    licence = demo_company_licence(session)
    for email, role, password in demo_accounts():
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        if role == "company" and licence is None:
            continue
        create_user(session=session, email=email, role=role, password=password,
                    name=email.split("@")[0].capitalize() + " (demo)",
                    licence_no=licence if role == "company" else None)
    return demo_accounts()
