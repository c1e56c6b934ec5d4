"""`congdoan import KIND FILE`: run one file through the import pipeline and report.

Exit status: 0 no row rejected, 1 some rows rejected, 2 the file cannot be used or the
command is misused.
"""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.accounts.scope import scope_for
from congdoan.imports import errors, specs
from congdoan.imports.pipeline import ImportResult, run_import
from congdoan.imports.rejects import write_rejects

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2
#: Options handed to the kind's spec; a kind that does not declare one refuses it.
SPEC_OPTIONS = ("plan", "indicator", "unit")
#: How many row errors the human summary lists (--json lists them all).
SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "Import a file (.xlsx, .xls, .ods or .csv): congdoan import units FILE, "
        "congdoan import targets FILE --plan CODE"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", help=f"what the file holds: {', '.join(specs.kinds())}")
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, reject the others"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="JSON output")
        parser.add_argument(
            "--errors-file",
            help="write the rejected rows, in the file's layout with an error column, to this .xlsx"
            " file",
        )
        parser.add_argument(
            "--user", help="username recorded as the importer; their access scope applies"
        )
        parser.add_argument(
            "--reason", help="reason recorded on every change (default: “Imported from FILE”)"
        )
        parser.add_argument("--plan", help="targets: the code of the plan the targets belong to")
        parser.add_argument(
            "--indicator",
            help="targets: the indicator of a sheet whose columns are only periods (code or name)",
        )
        parser.add_argument(
            "--unit", help="members: the grassroots union of rows the file gives no unit code"
        )

    def handle(self, *args, kind, file, dry_run, skip_invalid, as_json, user, **options):
        spec_options = {
            name: options[name] for name in SPEC_OPTIONS if options.get(name) is not None
        }
        with translation.override(settings.LANGUAGE_CODE):
            status = self._run(
                kind=kind,
                file=file,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                as_json=as_json,
                username=user,
                reason=options.get("reason"),
                spec_options=spec_options,
                errors_file=options.get("errors_file"),
            )
        if status != EXIT_OK:
            raise SystemExit(status)

    def _run(
        self,
        *,
        kind,
        file,
        dry_run,
        skip_invalid,
        as_json,
        username,
        reason,
        spec_options,
        errors_file=None,
    ) -> int:
        if kind not in specs.kinds():
            return self._fail(
                _("Unknown import kind “%(kind)s”; choose one of: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(specs.kinds())}
            )
        unused = [name for name in spec_options if name not in specs.get_spec(kind).options]
        if unused:
            return self._fail(
                errors.OPTION_NOT_USED
                % {"options": ", ".join(f"--{name}" for name in unused), "kind": kind}
            )
        actor = scope = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                return self._fail(_("No user is named “%(user)s”.") % {"user": username})
            scope = scope_for(actor)
        try:
            result = run_import(
                kind=kind,
                source=file,
                actor=actor,
                scope=scope,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                options=spec_options,
                reason=reason,
            )
        except errors.ImportFileError as exc:
            if as_json:
                self._print_file_error(file, kind, exc)
            return self._fail(exc.message)
        written_to = None
        if errors_file and result.rejected:
            try:
                write_rejects(result, errors_file)
            except OSError as exc:
                return self._fail(
                    _("Cannot write the rejected rows to %(path)s: %(error)s")
                    % {"path": errors_file, "error": exc.strerror or exc}
                )
            written_to = errors_file
        if as_json:
            data = result.as_dict()
            if written_to:
                data["errors_file"] = written_to
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            self._print_summary(result)
            if written_to:
                self.stdout.write(
                    _(
                        "The rejected rows are in %(path)s, with an “Errors” column: "
                        "fix them there and import that file."
                    )
                    % {"path": written_to}
                )
            elif result.rejected:
                self.stdout.write(
                    _(
                        "To get the rejected rows as a spreadsheet to fix and import again, "
                        "add --errors-file FILE.xlsx."
                    )
                )
        return EXIT_REJECTED if result.rejected else EXIT_OK

    def _fail(self, reason: str) -> int:
        self.stderr.write(" ".join(str(reason).split()))
        return EXIT_UNUSABLE

    def _print_file_error(self, file: str, kind: str, exc: errors.ImportFileError) -> None:
        data = ImportResult(file=file, kind=kind).as_dict()
        data["errors"] = [{"row": None, "column": "", "code": exc.code, "message": exc.message}]
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def _print_summary(self, result: ImportResult) -> None:
        counts = {
            "file": result.file,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
        }
        self.stdout.write(
            _(
                "%(file)s: %(rows)s rows — %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(rejected)s rejected."
            )
            % counts
        )
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif result.rejected and not result.skip_invalid:
            self.stdout.write(
                _("Nothing was written: some rows were rejected (--skip-invalid writes the rest).")
            )
        if result.ignored_columns:
            self.stdout.write(
                _("Columns ignored: %(columns)s")
                % {"columns": ", ".join(f"“{c}”" for c in result.ignored_columns)}
            )
        for error in result.errors[:SHOWN_ERRORS]:
            self.stdout.write(
                _("Row %(row)s, column “%(column)s”: %(message)s [%(code)s]") % error.as_dict()
                if error.column
                else _("Row %(row)s: %(message)s [%(code)s]") % error.as_dict()
            )
        if len(result.errors) > SHOWN_ERRORS:
            self.stdout.write(
                _("… and %(count)s more errors.") % {"count": len(result.errors) - SHOWN_ERRORS}
            )
