"""/metrics (issue 16): refused without the token or an allowed network, absent when neither
is configured; with them, django-prometheus' request metrics and the platform's gauges, whose
numbers follow the database (matches per kind and state, notifications per channel)."""

from datetime import timedelta

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from donations.models import GoodsNeed
from matching import workflow
from matching.models import Match, MatchState
from matching.scheduling import cells_to_match
from matching.tasks import match_area
from notifications.delivery import deliver
from notifications.models import Notification
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, east
from workers.metrics import BATCH_SECONDS

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def with_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


def scrape(**headers) -> tuple[int, str, str]:
    response = Client().get("/metrics", **headers)
    return response.status_code, response.get("Content-Type", ""), response.content.decode()


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


def test_metrics_do_not_exist_when_neither_token_nor_network_is_set(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert scrape()[0] == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer ")[0] == 404


def test_metrics_refuse_a_scrape_without_the_right_token(with_token):
    assert scrape()[0] == 403
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong")[0] == 403
    assert scrape(HTTP_AUTHORIZATION=f"Basic {TOKEN}")[0] == 403
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")[0] == 403


def test_metrics_answer_an_allowed_network_without_a_token_and_no_other(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "not a network"]
    assert scrape(REMOTE_ADDR="10.1.2.3")[0] == 200
    assert scrape(REMOTE_ADDR="192.168.1.5")[0] == 403
    # A forged X-Forwarded-For is ignored without trusted proxies (TRUSTED_PROXY_COUNT 0).
    assert scrape(REMOTE_ADDR="192.168.1.5", HTTP_X_FORWARDED_FOR="10.1.2.3")[0] == 403


def test_metrics_with_the_token_export_requests_and_the_platform_gauges(with_token):
    Client().get("/healthz")  # at least one request counted by django-prometheus
    status, content_type, text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert "django_http_requests_total" in text
    for name in (
        "willkommen_queue_length",
        "willkommen_outbox_pending",
        "willkommen_outbox_oldest_pending_age_seconds",
        "willkommen_flagged_records",
        "willkommen_owed_batches",
        "willkommen_owed_oldest_age_seconds",
        "willkommen_need_first_proposal_needs",
    ):
        assert f"\n{name}" in text, name
    assert value(text, "willkommen_queue_length", queue="default") is not None
    # Every part was computed (Redis and the database answered).
    assert value(text, "willkommen_metrics_part_failed", part="queues") == 0
    assert value(text, "willkommen_metrics_part_failed", part="first_proposal") == 0
    assert value(text, "willkommen_metrics_part_failed", part="owed") == 0


def test_metrics_count_a_matched_and_delivered_pair_per_kind_state_and_channel(
    with_token, initiative_member, donor, coordinator
):
    need = GoodsNeedFactory(
        organisation=initiative_member.organisations.get(),
        created_by=initiative_member,
        quantity=12,
        **east(LINDENAU, 0),
    )
    DonationOfferFactory(donor=donor, category=need.category, quantity=12, **east(LINDENAU, 2))
    [match] = created(run_for(need))
    workflow.approve(match, actor=coordinator)
    workflow.respond(match, user=donor, answer="yes")
    workflow.respond(match, user=initiative_member, answer="yes")
    # A housing proposal nobody reviewed yet: another kind, another state.
    household = HousingNeedFactory(**east(LINDENAU, 0))
    HousingOfferFactory(**east(LINDENAU, 1))
    created(run_for(household))
    # Delivery sends every email the workflow wrote (offered and accepted, to both sides).
    emails = list(Notification.objects.values_list("pk", flat=True))
    for pk in emails:
        deliver(pk)
    sent = Notification.objects.filter(status=Notification.Status.SENT).count()
    assert sent == len(emails) == 4

    text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[2]
    assert value(text, "willkommen_matches", kind="goods", state=MatchState.ACCEPTED) == 1
    assert value(text, "willkommen_matches", kind="goods", state=MatchState.PROPOSED) is None
    assert value(text, "willkommen_matches", kind="housing", state=MatchState.PROPOSED) == 1
    assert value(text, "willkommen_notifications", channel="email", status="sent") == 4
    assert value(text, "willkommen_notifications", channel="email", status="failed") is None
    assert value(text, "willkommen_outbox_pending") == 0
    # The goods need, posted an hour before its first proposal: the sample counts it.
    GoodsNeed.objects.filter(pk=need.pk).update(created_at=match.created_at - timedelta(hours=1))
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[2]
    assert value(text, "willkommen_need_first_proposal_needs", kind="goods") == 1
    assert value(text, "willkommen_need_first_proposal_median_seconds", kind="goods") == 3600
    assert value(text, "willkommen_need_first_proposal_mean_seconds", kind="goods") == 3600
    assert value(text, "willkommen_need_first_proposal_needs", kind="jobs") == 0


def test_a_pending_notification_counts_in_the_outbox_with_its_age(with_token, donor):
    Notification.objects.create(
        recipient=donor, template="match_offered", language="en", idempotency_key="metrics-1"
    )
    text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[2]
    assert value(text, "willkommen_outbox_pending") == 1
    assert value(text, "willkommen_outbox_oldest_pending_age_seconds") >= 0
    assert value(text, "willkommen_notifications", channel="email", status="pending") == 1


def test_a_matching_task_is_timed_per_kind(initiative_member, donor):
    need = GoodsNeedFactory(
        organisation=initiative_member.organisations.get(),
        created_by=initiative_member,
        **east(LINDENAU, 0),
    )
    DonationOfferFactory(donor=donor, category=need.category, **east(LINDENAU, 2))
    kind, cells = cells_to_match(need)
    # The histogram lives in this process for the whole test run: compare before and after.
    before = _observed(kind)
    match_area.apply(args=(kind, sorted(cells)[0]))
    assert Match.objects.filter(kind="goods").exists()
    assert _observed(kind) == before + 1


def _observed(kind: str) -> float:
    """How many batches of `kind` the histogram has seen in this process."""
    for family in BATCH_SECONDS.collect():
        for sample in family.samples:
            if sample.name.endswith("_count") and sample.labels.get("kind") == kind:
                return sample.value
    return 0
