"""`congdoan demo`: migrate, load the demo once, print the logins, then serve it."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.accounts.models import Role
from congdoan.core.dates import today
from congdoan.demo import data, services
from congdoan.web.management.commands.serve import DEFAULT_ADDR, bind_address


class Command(BaseCommand):
    help = (
        "Set up the demo: migrate, collect static files, load the demo data (once), print the "
        "demo logins and serve it (unless --no-serve)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", dest="serve", action="store_false", help="set up, but do not serve"
        )
        parser.add_argument(
            "--addr", default=DEFAULT_ADDR, help="host:port to serve on (default %(default)s)"
        )

    def handle(self, *args, serve, addr, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.set_up()
            url = f"http://{bind_address(addr)}/"
            self.stdout.write(_("Open %(url)s and sign in.") % {"url": url})
        if serve:
            call_command("serve", addr=addr, collectstatic=False, stdout=self.stdout)

    def set_up(self) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if services.is_loaded():
            self.stdout.write(_("The demo data is already loaded."))
            summary = services.summarise(today=today())
        else:
            started = time.monotonic()
            try:
                summary = services.load_demo(today=today())
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            seconds = time.monotonic() - started
            self.stdout.write(_("Loaded the demo data in %(seconds).1f s.") % {"seconds": seconds})
        self.stdout.write(
            _(
                "%(units)s units (%(active)s active today); grassroots unions: %(then)s at the "
                "end of 2023, %(now)s today."
            )
            % {
                "units": summary.units,
                "active": summary.active_units,
                "then": summary.grassroots_2023,
                "now": summary.grassroots_today,
            }
        )
        self.stdout.write(
            _(
                "Members (synthetic): %(then)s in %(province)s on 31/12/2023 (structure of the "
                "time); %(now)s in %(city)s today (today's structure)."
            )
            % {
                "then": summary.members_2023,
                "province": data.UPPER_UNITS[1].name,
                "now": summary.members_today,
                "city": data.UPPER_UNITS[2].name,
            }
        )
        self.write_logins(summary.logins)

    def write_logins(self, logins: list[services.Login]) -> None:
        rows = [(_("Username"), _("Role"), _("Unit"))] + [
            (
                login.username,
                str(Role(login.role).label),
                f"{login.unit or '—'} · {login.note}",
            )
            for login in logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password for all: %(password)s)") % {"password": data.PASSWORD}
        )
        for username, role, unit in rows:
            self.stdout.write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {unit}")
        self.stdout.write("")
