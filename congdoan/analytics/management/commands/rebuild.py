"""`congdoan rebuild [--json]`: recompute the kept member counts from the spans."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.analytics import services


class Command(BaseCommand):
    help = "Recompute the member counts kept per grassroots union, day and month."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        result = services.rebuild()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(
            _("Rebuilt in %(seconds).1f s: %(days)s daily rows, %(months)s monthly rows over "
              "%(checkpoints)s months.")
            % result.as_dict()
        )
