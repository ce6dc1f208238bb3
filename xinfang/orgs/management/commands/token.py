from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import XinfangError
from xinfang.orgs.models import Role
from xinfang.orgs.services import token_for, user_ensure


class Command(BaseCommand):
    help = "Print an API token for USERNAME, creating the user in --org with --role if missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", help="org code for a new user")
        parser.add_argument("--role", choices=Role.values, help="role for a new user (default clerk)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_ensure(options["username"], org_code=options["org"], role=options["role"])
        except XinfangError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token_for(user))
