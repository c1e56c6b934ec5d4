"""The only writers of enterprises, their headcounts, statuses and union links.

Each service checks the rules in enterprises.rules, keeps history (figures and statuses are
dated rows, never overwritten in place except to correct the figure of one same day) and
records an audit entry on the enterprise. Callers acting for a user pass their `scope`:
an enterprise is recorded and changed only by users who may enter data for its area unit.
"""

import datetime as dt

from django.db import transaction

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.codes import clean_tax_code
from congdoan.core.dates import format_date
from congdoan.core.text import nfc, search_key
from congdoan.enterprises import errors, hooks, rules
from congdoan.enterprises.models import (
    Enterprise,
    Headcount,
    Ownership,
    Status,
    StatusPeriod,
    UnionLink,
)
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit

FIELDS = ("tax_code", "name", "address", "area_unit_id", "ownership", "industry")
EDITABLE = ("name", "address", "area_unit", "ownership", "industry")
Action = audit.AuditEntry.Action


def _clean(enterprise: Enterprise) -> None:
    enterprise.name = nfc(enterprise.name)
    if not enterprise.name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    enterprise.address = nfc(enterprise.address)
    enterprise.industry = nfc(enterprise.industry)
    rules.check_ownership(enterprise.ownership)
    enterprise.search_key = search_key(f"{enterprise.tax_code} {enterprise.name}")


def _lock(enterprise: Enterprise) -> Enterprise:
    # One writer per enterprise at a time: two imports cannot open two statuses at once.
    return Enterprise.objects.select_for_update().select_related("area_unit").get(pk=enterprise.pk)


@transaction.atomic
def register_enterprise(
    *,
    actor,
    tax_code: str,
    name: str,
    area_unit: Unit,
    since: dt.date,
    ownership: str = Ownership.OTHER,
    address: str = "",
    industry: str = "",
    status: str = Status.OPERATING,
    scope: Scope | None = None,
    reason: str = "",
) -> Enterprise:
    """Record a new enterprise with its status from `since`."""
    tax_code = clean_tax_code(tax_code)
    rules.check_area(area_unit, scope)
    rules.check_status(status)
    rules.check_date(since)
    enterprise = Enterprise(
        tax_code=tax_code,
        name=name,
        address=address or "",
        area_unit=area_unit,
        ownership=ownership,
        industry=industry or "",
    )
    _clean(enterprise)
    if (other := Enterprise.objects.filter(tax_code=tax_code).first()) is not None:
        rules.fail(errors.TAX_CODE_TAKEN, "tax_code_taken", tax_code=tax_code, enterprise=other)
    enterprise.save()
    StatusPeriod.objects.create(enterprise=enterprise, status=status, valid_from=since)
    audit.record(
        actor=actor,
        obj=enterprise,
        action=Action.CREATE,
        after={**audit.snapshot(enterprise, FIELDS), "status": status, "since": since.isoformat()},
        reason=reason,
    )
    return enterprise


@transaction.atomic
def update_enterprise(
    *, actor, enterprise: Enterprise, scope: Scope | None = None, reason: str = "", **fields
) -> Enterprise:
    """Correct the name, address, area unit, ownership or industry; audited before/after."""
    enterprise = _lock(enterprise)
    rules.check_in_scope(enterprise, scope)
    before = audit.snapshot(enterprise, FIELDS)
    for key, value in fields.items():
        if key not in EDITABLE:
            raise TypeError(f"update_enterprise() cannot change {key!r}")
        setattr(enterprise, key, value if value is not None else "")
    if enterprise.area_unit_id != before["area_unit_id"]:
        rules.check_area(enterprise.area_unit, scope)
    _clean(enterprise)
    after = audit.snapshot(enterprise, FIELDS)
    if after != before:
        enterprise.save()
        if after["ownership"] != before["ownership"]:
            hooks.ownership_changed(
                enterprise=enterprise, before=before["ownership"], after=after["ownership"]
            )
        audit.record(
            actor=actor,
            obj=enterprise,
            action=Action.UPDATE,
            before=before,
            after=after,
            reason=reason,
        )
    return enterprise


@transaction.atomic
def record_headcount(
    *,
    actor,
    enterprise: Enterprise,
    as_of: dt.date,
    workers: int,
    source: str = "",
    scope: Scope | None = None,
    reason: str = "",
) -> Headcount:
    """The enterprise's workers on `as_of`: a new dated figure (the old ones are kept).

    The same figure again changes nothing; another figure for the same day corrects it.
    """
    rules.check_date(as_of)
    rules.check_workers(workers)
    enterprise = _lock(enterprise)
    rules.check_in_scope(enterprise, scope)
    existing = Headcount.objects.filter(enterprise=enterprise, as_of=as_of).first()
    if existing is not None and existing.workers == workers:
        return existing
    before = None
    if existing is None:
        existing = Headcount(enterprise=enterprise, as_of=as_of)
    else:
        before = {"as_of": as_of.isoformat(), "workers": existing.workers}
    existing.workers, existing.source = workers, nfc(source)[:300]
    existing.save()
    audit.record(
        actor=actor,
        obj=enterprise,
        action=Action.UPDATE,
        operation="record_headcount",
        before=before,
        after={"as_of": as_of.isoformat(), "workers": workers, "source": existing.source},
        reason=reason,
    )
    return existing


@transaction.atomic
def change_status(
    *,
    actor,
    enterprise: Enterprise,
    status: str,
    on: dt.date,
    scope: Scope | None = None,
    reason: str = "",
    note: str = "",
) -> StatusPeriod:
    """The enterprise operates, is suspended or is dissolved from `on`."""
    rules.check_status(status)
    rules.check_date(on)
    enterprise = _lock(enterprise)
    rules.check_in_scope(enterprise, scope)
    current = StatusPeriod.objects.filter(enterprise=enterprise, valid_to__isnull=True).get()
    if current.status == Status.DISSOLVED:
        rules.fail(
            errors.DISSOLVED_FINAL,
            "dissolved_final",
            enterprise=enterprise,
            date=format_date(current.valid_from),
        )
    if on <= current.valid_from:
        rules.fail(
            errors.STATUS_DATE_BEFORE_LAST,
            "status_date_before_last",
            enterprise=enterprise,
            last=format_date(current.valid_from),
        )
    if status == current.status:
        rules.fail(
            errors.STATUS_UNCHANGED,
            "status_unchanged",
            enterprise=enterprise,
            status=current.get_status_display(),
            date=format_date(on),
        )
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    period = StatusPeriod.objects.create(
        enterprise=enterprise, status=status, valid_from=on, note=nfc(note)[:500]
    )
    audit.record(
        actor=actor,
        obj=enterprise,
        action=Action.UPDATE,
        operation="change_status",
        before={"status": current.status, "since": current.valid_from.isoformat()},
        after={"status": status, "since": on.isoformat()},
        reason=reason,
    )
    return period


@transaction.atomic
def link_union(
    *,
    actor,
    enterprise: Enterprise,
    union: Unit,
    on: dt.date,
    scope: Scope | None = None,
    reason: str = "",
    note: str = "",
) -> UnionLink:
    """`union` is the grassroots union in the enterprise from `on` (until the union ends)."""
    rules.check_date(on)
    enterprise = _lock(enterprise)
    rules.check_in_scope(enterprise, scope)
    if scope is not None and not scope.contains(union):
        rules.fail(errors.UNION_OUTSIDE_SCOPE, "union_outside_scope", unit=union)
    rules.union_start(union, on)
    current = rules.open_link(enterprise)
    if current is not None:
        message = errors.UNION_SAME if current.union_id == union.pk else errors.UNION_ALREADY
        rules.fail(
            message,
            "union_same" if current.union_id == union.pk else "union_already",
            enterprise=enterprise,
            unit=current.union,
            start=format_date(current.valid_from),
        )
    last = rules.last_link(enterprise)
    if last is not None and last.valid_to > on:
        rules.fail(
            errors.UNION_LATER_LINK,
            "union_later_link",
            enterprise=enterprise,
            end=format_date(last.valid_to),
        )
    status = rules.status_on(enterprise, on)
    if status is not None and status.status == Status.DISSOLVED:
        rules.fail(
            errors.ENTERPRISE_DISSOLVED,
            "enterprise_dissolved",
            enterprise=enterprise,
            date=format_date(on),
        )
    # A union that has since ended stopped covering the enterprise that day.
    ends = union.versions.order_by("-valid_from").values_list("valid_to", flat=True).first()
    link = UnionLink.objects.create(
        enterprise=enterprise, union=union, valid_from=on, valid_to=ends, note=nfc(note)[:500]
    )
    audit.record(
        actor=actor,
        obj=enterprise,
        action=Action.UPDATE,
        operation="link_union",
        after=_link_state(link),
        reason=reason,
    )
    return link


@transaction.atomic
def unlink_union(
    *, actor, enterprise: Enterprise, on: dt.date, scope: Scope | None = None, reason: str = ""
) -> UnionLink:
    """The enterprise's union stops covering it from `on` (its last day is the day before)."""
    rules.check_date(on)
    enterprise = _lock(enterprise)
    rules.check_in_scope(enterprise, scope)
    link = rules.open_link(enterprise)
    if link is None:
        rules.fail(errors.NO_UNION, "no_union", enterprise=enterprise, date=format_date(on))
    if on <= link.valid_from:
        rules.fail(
            errors.UNLINK_BEFORE_START,
            "unlink_before_start",
            unit=link.union,
            start=format_date(link.valid_from),
        )
    before = _link_state(link)
    link.valid_to = on
    link.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        obj=enterprise,
        action=Action.UPDATE,
        operation="unlink_union",
        before=before,
        after=_link_state(link),
        reason=reason,
    )
    return link


def _link_state(link: UnionLink) -> dict:
    return audit.snapshot(link, ["union_id", "valid_from", "valid_to"])


def end_links_of_unit(*, unit: Unit, on: dt.date, successor: Unit | None, event, actor) -> int:
    """When a grassroots union ends, its enterprises follow its successor union, if any.

    Registered with org.hooks: runs inside the reorganisation's transaction, in bulk (a
    province's reform ends unions by the hundred).
    """
    links = list(
        UnionLink.objects.select_for_update()
        .select_related("enterprise")
        .filter(union=unit, valid_to__isnull=True, valid_from__lt=on)
    )
    if not links:
        return 0
    follows = successor is not None and successor.kind in MEMBER_HOLDING
    entries, follow_ons = [], []
    for link in links:
        before = _link_state(link)
        link.valid_to = on
        after = _link_state(link)
        if follows:
            follow_ons.append(UnionLink(enterprise=link.enterprise, union=successor, valid_from=on))
            after = {**after, "successor_id": str(successor.pk)}
        entries.append(
            audit.entry(
                actor=actor,
                obj=link.enterprise,
                action=Action.UPDATE,
                operation="union_reorganised",
                before=before,
                after=after,
                reason=event.reason,
            )
        )
    UnionLink.objects.bulk_update(links, ["valid_to"])
    UnionLink.objects.bulk_create(follow_ons)
    audit.record_many(entries)
    return len(links)
