"""The demo directory: at least 30 services of 15 providers, in several source languages,
with an evening past midnight and holidays; loading twice creates nothing new."""

import pytest

from demo.base import DemoReport
from demo.directory import load_directory
from directory.models import HoursException, OpeningHours, ProviderProfile, Service

pytestmark = pytest.mark.django_db


def test_the_demo_directory_loads_once():
    report = DemoReport()
    load_directory(report)
    assert report.created["directory_providers"] == ProviderProfile.objects.count() == 15
    assert report.created["directory_services"] == Service.objects.count() >= 30
    sources = set(Service.objects.values_list("text__source_language", flat=True))
    assert {"de", "uk", "ar", "en"} <= sources
    assert Service.objects.filter(languages__contains=["ar"]).count() >= 10
    assert any(row.overnight for row in OpeningHours.objects.all())
    assert HoursException.objects.filter(closed=True).exists()
    assert Service.objects.filter(status="in_review").count() == 1
    assert all(s.district for s in Service.objects.all())

    again = DemoReport()
    load_directory(again)
    assert not again.created
    assert again.present["directory_services"] == Service.objects.count()
