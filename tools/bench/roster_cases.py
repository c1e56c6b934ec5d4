"""The cases of tools.bench.roster_import, each run in a process of its own.

`python -m tools.bench.roster_import --child CASE --file F` lands in child(): Django is set
up on the database the parent's environment names, the case imports F, and one JSON line
with its seconds, peak memory and counts goes to stdout for the parent.
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

GENDERS = {"male": "Nam", "female": "Nữ"}


def _rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM belongs to the process's own memory map; ru_maxrss would also count the parent's
    size, which exec carries over into the child's figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # Elsewhere: KiB on Linux, bytes on macOS; the figure is rough anyway.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _units() -> dict[str, int]:
    from congdoan.org.models import Unit

    return dict(Unit.objects.values_list("code", "pk"))


def _congdoan(path: Path, profile: bool) -> dict:
    from congdoan.imports.pipeline import run_import

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(run_import, kind="members", source=path)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(15)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(15)
    else:
        result = run_import(kind="members", source=path)
    errors = [f"row {e.row}: {e.message}" for e in result.errors[:5]] if result.errors else []
    return {"written": result.created, "errors": len(result.errors), "first_errors": errors}


def _ie_resource(*, tuned: bool):
    """django-import-export's resource for a roster row: the person, then their span."""
    from import_export import fields, instance_loaders, resources, widgets

    from congdoan.core.text import search_key
    from congdoan.members.models import Member, Membership

    class GenderWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return {"Nam": "male", "Nữ": "female"}[value]

    def date(attribute: str, column: str) -> fields.Field:
        return fields.Field(attribute, column, widget=widgets.DateWidget("%d/%m/%Y"))

    class MemberResource(resources.ModelResource):
        full_name = fields.Field("full_name", "Họ và tên")
        birth_date = date("birth_date", "Ngày sinh")
        gender = fields.Field("gender", "Giới tính", widget=GenderWidget())
        national_id = fields.Field("national_id", "Số CCCD")
        joined_on = date("joined_on", "Ngày vào công đoàn")

        class Meta:
            model = Member
            fields = ("full_name", "birth_date", "gender", "national_id", "joined_on")
            import_id_fields = ("national_id",)
            if tuned:
                use_bulk = True
                skip_diff = True
                batch_size = 1000
                instance_loader_class = instance_loaders.CachedInstanceLoader

        def __init__(self, units: dict[str, int]) -> None:
            super().__init__()
            self.units = units
            self.spans: list[Membership] = []

        def before_save_instance(self, instance, row, **kwargs):
            # What members.services does on save; bulk mode skips Model.save() anyway.
            instance.search_key = search_key(instance.full_name)
            instance.birth_year = instance.birth_date.year

        def after_save_instance(self, instance, row, **kwargs):
            span = Membership(
                member=instance,
                unit_id=self.units[row["Mã CĐCS"]],
                status=Membership.Status.ACTIVE,
                start=instance.joined_on,
                start_reason=Membership.StartReason.ADMITTED,
            )
            if self._meta.use_bulk:
                self.spans.append(span)  # the person has no id until its batch is written
            else:
                span.save()

        def bulk_create(self, using_transactions, dry_run, raise_errors, **kwargs):
            super().bulk_create(using_transactions, dry_run, raise_errors, **kwargs)
            Membership.objects.bulk_create(self.spans, batch_size=self._meta.batch_size)
            self.spans.clear()

    return MemberResource


def _import_export(path: Path, *, tuned: bool) -> dict:
    from import_export.formats.base_formats import XLSX

    steps = {}
    started = time.perf_counter()
    dataset = XLSX().create_dataset(path.read_bytes())
    steps["read"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    result = _ie_resource(tuned=tuned)(_units()).import_data(dataset, raise_errors=True)
    steps["import"] = round(time.perf_counter() - started, 2)
    return {"written": result.totals["new"], "errors": 0, "steps": steps}


def _calamine_copy(path: Path) -> dict:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from python_calamine import CalamineWorkbook

    from congdoan.analytics.generate_write import write_rows
    from congdoan.core.text import search_key
    from congdoan.members.models import Member, Membership

    steps = {}
    started = time.perf_counter()
    units = _units()
    genders = {v: k for k, v in GENDERS.items()}
    first = (Member.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    first_span = (Membership.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows)
    people, spans = [], []
    for member_id, (name, birth, gender, national_id, joined, unit) in enumerate(rows, first):
        people.append(
            {
                "id": member_id,
                "full_name": name,
                "search_key": search_key(name),
                "gender": genders[gender],
                "birth_date": birth,
                "birth_year": birth.year,
                "national_id": national_id,
                "joined_on": joined,
            }
        )
        spans.append(
            {
                "id": first_span + len(spans),
                "member_id": member_id,
                "unit_id": units[unit],
                "status": Membership.Status.ACTIVE.value,
                "start": joined,
                "start_reason": Membership.StartReason.ADMITTED.value,
            }
        )
    steps["read"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with transaction.atomic():
        write_rows(Member, people)
        write_rows(Membership, spans)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Member, Membership]):
                cursor.execute(sql)
    steps["copy"] = round(time.perf_counter() - started, 2)
    return {"written": len(people), "errors": 0, "steps": steps}


def child(args: argparse.Namespace) -> None:
    """Run one case on the database the parent's environment names; print its figures."""
    import django

    django.setup()
    base = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    if args.child == "congdoan":
        figures = _congdoan(args.file, args.profile)
    elif args.child == "calamine-copy":
        figures = _calamine_copy(args.file)
    else:
        figures = _import_export(args.file, tuned=args.child == "ie-tuned")
    figures["seconds"] = round(time.perf_counter() - started, 2)
    # This process's CPU time: steadier than the wall clock on a busy machine (the database
    # server's own work is not in it on PostgreSQL).
    figures["cpu_seconds"] = round(time.process_time() - cpu_started, 2)
    figures["peak_mb"] = round(_rss_mb(), 1)
    figures["base_mb"] = round(base, 1)
    print(json.dumps(figures))
