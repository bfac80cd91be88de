from django.test import override_settings
from django.urls import reverse

from bakeplanner.context_processors import nav_urls


def test_every_page_carries_the_menu_addresses(member_client):
    html = member_client.get(reverse("events:event_list")).content.decode()
    for name in (
        "events:recipient_list",
        "production:production_run_list",
        "production:inventory",
        "production:finished_good_list",
        "household_settings",
        "password_change",
        "logout",
    ):
        assert f'"{reverse(name)}"' in html


def test_menu_addresses_are_reversed_once_per_url_configuration():
    first = nav_urls()
    assert nav_urls() is first
    assert first["events"] == reverse("events:event_list")
    # Another URL configuration has its own menu: a part it lacks is left out, not a 500.
    with override_settings(ROOT_URLCONF="tooling.urls"):
        other = nav_urls()
    assert other is not first
    assert other["events"] == ""
