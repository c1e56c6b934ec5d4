from congdoan.core import audit
from congdoan.core.models import AuditEntry


def test_history_lists_an_objects_entries_newest_first(org, users):
    audit.record(actor=users.province_manager, obj=org.district_a, action=AuditEntry.Action.VIEW)
    entries = list(audit.history(org.district_a))
    assert entries[0].action == AuditEntry.Action.VIEW
    assert entries[0].actor_name == "tinh"
    assert entries[-1].action == AuditEntry.Action.CREATE and entries[-1].actor_name == "system"
    assert all(e.object_id == str(org.district_a.pk) for e in entries)
