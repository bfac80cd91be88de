"""`manage.py rundemo [addrport]`: the development server of `make run`, which prints the demo
login under its start-up banner, so the login is the last thing on the screen."""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import (
    Command as RunserverCommand,
)

from tooling.management.commands.seed_demo import demo_login


class Command(RunserverCommand):
    help = "Start the development server (like runserver) and print the demo login."

    def on_bind(self, server_port: int) -> None:
        super().on_bind(server_port)
        self.stdout.write(self.style.SUCCESS(f"{demo_login()}."))
