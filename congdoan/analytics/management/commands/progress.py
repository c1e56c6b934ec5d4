"""`congdoan progress PLAN [--unit CODE] [--as-of DATE] [--structure as-was|current] [--json]`:
where the plan stands for a unit and the units directly under it."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.analytics import backtests, progress
from congdoan.analytics.status import label
from congdoan.core.commands import as_of_or_exit, structure_label, unit_or_exit
from congdoan.plans.models import Plan


def _figure(value, whole: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if whole else f"{value:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


class Command(BaseCommand):
    help = "Progress of a plan for a unit and the units directly under it."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's code")
        parser.add_argument("--unit", default="", help="unit code (the plan's owner)")
        parser.add_argument("--as-of", default="", help="dd/mm/yyyy or yyyy-mm-dd (today)")
        parser.add_argument(
            "--structure", choices=progress.STRUCTURES, default=progress.AS_WAS
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--backtest",
            action="store_true",
            help="how far the forecasts were off on the unit's own history, 12 months ahead",
        )

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        plan = Plan.objects.select_related("owner").filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(_("No plan has the code %(plan)s.") % options, returncode=2)
        unit = plan.owner
        if options["unit"]:
            unit = unit_or_exit(options["unit"])
        on = as_of_or_exit(options["as_of"])
        if options["backtest"]:
            return self._backtest(unit, on, options)
        result = progress.plan_progress(plan, unit=unit, as_of=on, structure=options["structure"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            _("%(plan)s — %(period)s, on %(date)s (%(structure)s)")
            % {
                "plan": plan,
                "period": result.period_label,
                "date": f"{on:%d/%m/%Y}",
                "structure": structure_label(result.structure),
            }
        )
        for unit_progress in [result.unit, *result.children]:
            self.stdout.write(f"\n{unit_progress.name} ({unit_progress.unit})")
            for item in unit_progress.indicators:
                whole = item.measure != "percent"
                band = ""
                if item.forecast is not None:
                    band = (
                        f" [{_figure(item.forecast_low, whole)}–"
                        f"{_figure(item.forecast_high, whole)}]"
                    )
                self.stdout.write(
                    "  "
                    + _(
                        "%(code)s: %(actual)s of %(target)s (%(pct)s %%), pace needed "
                        "%(pace)s/month, forecast %(forecast)s%(band)s — %(status)s"
                    )
                    % {
                        "code": item.indicator,
                        "actual": _figure(item.actual),
                        "target": _figure(item.target),
                        "pct": _figure(item.achieved_pct),
                        "pace": _figure(item.pace_needed, whole),
                        "forecast": _figure(item.forecast, whole),
                        "band": band,
                        "status": label(item.status),
                    }
                )

    def _backtest(self, unit, on, options) -> None:
        rows = backtests.backtests(unit, as_of=on, structure=options["structure"])
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in rows], indent=1))
            return
        for row in rows:
            self.stdout.write(
                _(
                    "%(figure)s (%(model)s), %(horizon)s months ahead, %(cases)s cases: "
                    "mean error %(mae)s, %(mape)s %%; inside the 80 %% band %(coverage)s %%"
                )
                % {
                    "figure": row.figure,
                    "model": row.model,
                    "horizon": row.horizon_months,
                    "cases": row.cases,
                    "mae": _figure(row.mae),
                    "mape": _figure(row.mape),
                    "coverage": _figure(100 * row.coverage),
                }
            )
