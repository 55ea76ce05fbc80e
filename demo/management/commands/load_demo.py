"""Load the Leipzig demo (see demo/loader.py); idempotent, so `make run` can call it every time."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import loader as demo

KINDS = (
    "groups",
    "users",
    "organisations",
    "memberships",
    "needs",
    "offers",
    "volunteers",
    "volunteer_needs",
    "housing_offers",
    "housing_needs",
    "employers",
    "jobs",
    "job_seekers",
)


class Command(BaseCommand):
    help = (
        "Load demo initiatives, donors, goods needs and offers, volunteers, volunteer needs, "
        "flats and households in and around Leipzig."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo accounts share a published password.",
        )
        parser.add_argument(
            "--grant-coordinator-permissions",
            action="store_true",
            help="Add the demo's permissions that an existing Coordinators group lacks.",
        )

    def handle(
        self, *args, force: bool = False, grant_coordinator_permissions: bool = False, **options
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production deployment, and the demo creates a "
                f"superuser with the password {demo.DEMO_PASSWORD!r}. Use --force to load anyway."
            )
        report = demo.load_demo(
            grant_coordinator_permissions=grant_coordinator_permissions, walk_matches=True
        )
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING("Willkommen demo data"))
        out.write(f"  {'':16} {'created':>8} {'present':>8}")
        for kind in KINDS:
            out.write(f"  {kind:16} {report.created[kind]:>8} {report.present[kind]:>8}")
        if report.workflow:
            states = ", ".join(f"{n} {state}" for state, n in report.workflow.items())
            out.write(f"  matches: {states}")
        for warning in report.warnings:
            out.write(self.style.WARNING(f"  ! {warning}"))

        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo accounts"))
        out.write(f"  Password for every demo user: {demo.DEMO_PASSWORD}")
        staff = f"{demo.COORDINATOR_USERNAME} or {demo.ADMIN_USERNAME}"
        out.write(f"  Admin:    {demo.ADMIN_URL}  (log in as {staff})")
        out.write(
            "            Coordinators and admins set up a second factor (an authenticator app) "
            "at their first sign-in: /account/two-factor/"
        )
        out.write(f"  API docs: {demo.API_DOCS_URL}")
        out.write("")
        out.write(f"  {'username':18} {'role':18} {'lang':4}  API token")
        for username, role, language, token in report.accounts:
            out.write(f"  {username:18} {role:18} {language:4}  {token}")
        tokens = {username: token for username, *_, token in report.accounts}
        out.write("")
        out.write(
            "  Try each side of the platform with its token below, or get one for the password "
            "above from POST http://localhost:8000/api/v1/auth/token/:"
        )
        for label, username, endpoint in demo.EXAMPLE_LOGINS:
            out.write(f"    {label + ':':19} {username}")
            out.write(
                f'      curl -H "Authorization: Token {tokens[username]}" '
                f"http://localhost:8000/api/v1/{endpoint}"
            )
