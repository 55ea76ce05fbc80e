"""Load the Leipzig demo (see web/demo.py); idempotent, so `make run` can call it every time."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from web import demo

KINDS = ("groups", "users", "organisations", "memberships", "needs", "offers")


class Command(BaseCommand):
    help = "Load demo initiatives, donors, goods needs and donation offers in Leipzig."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo accounts share a published password.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production deployment, and the demo creates a "
                f"superuser with the password {demo.DEMO_PASSWORD!r}. Use --force to load anyway."
            )
        report = demo.load_demo()
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING("Willkommen demo data"))
        out.write(f"  {'':14} {'created':>8} {'present':>8}")
        for kind in KINDS:
            out.write(f"  {kind:14} {report.created[kind]:>8} {report.present[kind]:>8}")
        for warning in report.warnings:
            out.write(self.style.WARNING(f"  ! {warning}"))

        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo accounts"))
        out.write(f"  Password for every demo user: {demo.DEMO_PASSWORD}")
        staff = f"{demo.COORDINATOR_USERNAME} or {demo.ADMIN_USERNAME}"
        out.write(f"  Admin:    {demo.ADMIN_URL}  (log in as {staff})")
        out.write(f"  API docs: {demo.API_DOCS_URL}")
        out.write("")
        out.write(f"  {'username':18} {'role':18} {'lang':4}  API token")
        for username, role, language, token in report.accounts:
            out.write(f"  {username:18} {role:18} {language:4}  {token}")
        coordinator_token = next(
            token
            for username, *_, token in report.accounts
            if username == demo.COORDINATOR_USERNAME
        )
        out.write("")
        out.write("  Try the API:")
        out.write(
            f'    curl -H "Authorization: Token {coordinator_token}" '
            "http://localhost:8000/api/v1/matches/"
        )
