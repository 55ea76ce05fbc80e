"""Street addresses refined by the remote geocoder (Nominatim's HTTP API, served locally)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from donations.models import Category, DonationOffer
from donations.services import create_donation_offer
from geo.providers import RemoteGeocoderUnavailable, geocode_remote
from geo.refinement import refine
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KARL_HEINE = {"lat": "51.3291", "lon": "12.3353", "display_name": "Karl-Heine-Straße 12, Leipzig"}


class FakeNominatim(BaseHTTPRequestHandler):
    answers: dict[str, object] = {}
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        query = parse_qs(urlparse(self.path).query)
        type(self).requests.append({**query, "user-agent": self.headers["User-Agent"]})
        answer = type(self).answers.get(query["q"][0], [])
        if answer == 500:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings):
    FakeNominatim.requests = []
    FakeNominatim.answers = {"Karl-Heine-Straße 12, 04229 Leipzig": [KARL_HEINE]}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.GEOCODER = "nominatim"
    settings.NOMINATIM_DOMAIN = f"127.0.0.1:{server.server_port}"
    settings.NOMINATIM_SCHEME = "http"
    settings.NOMINATIM_USER_AGENT = "willkommen-tests"
    settings.NOMINATIM_MIN_DELAY_SECONDS = 0.01
    yield FakeNominatim
    server.shutdown()


def offer_at(address: str, django_capture_on_commit_callbacks):
    donor = UserFactory(preferred_language="de")
    with django_capture_on_commit_callbacks() as callbacks:
        offer = create_donation_offer(
            user=donor,
            title="Kinderwagen",
            quantity=1,
            address=address,
            category=Category.objects.get(slug="baby-stroller"),
        )
    return offer, callbacks


def test_a_street_is_placed_at_once_by_postal_code_then_refined_by_a_task(
    nominatim, django_capture_on_commit_callbacks
):
    offer, callbacks = offer_at(
        "Karl-Heine-Straße 12, 04229 Leipzig", django_capture_on_commit_callbacks
    )
    # Placed in the request by the gazetteer, but not matched until the street is found.
    assert offer.geocode_status == "pending_refinement" and offer.precision == "postal_code"
    assert len(callbacks) == 1 and nominatim.requests == []  # no remote call in the request

    assert refine("donations.donationoffer", offer.pk) == "refined"
    offer.refresh_from_db()
    assert offer.geocode_status == "refined" and offer.precision == "address"
    assert (round(offer.point.y, 4), round(offer.point.x, 4)) == (51.3291, 12.3353)
    assert offer.approx_point != offer.point and offer.needs_matching
    assert nominatim.requests[0]["user-agent"] == "willkommen-tests"
    assert nominatim.requests[0]["countrycodes"] == ["de"]
    assert refine("donations.donationoffer", offer.pk) == "nothing-to-do"  # safe twice


def test_an_answer_far_from_the_addresss_postal_code_is_not_taken(
    nominatim, django_capture_on_commit_callbacks
):
    # The same street name in another town: not this address, so the owner is asked.
    nominatim.answers["Karl-Heine-Straße 12, 04229 Leipzig"] = [
        {"lat": "48.1374", "lon": "11.5755", "display_name": "Karl-Heine-Straße 12, München"}
    ]
    offer, _ = offer_at("Karl-Heine-Straße 12, 04229 Leipzig", django_capture_on_commit_callbacks)
    placed = (offer.point.y, offer.point.x)
    assert refine("donations.donationoffer", offer.pk) == "not-found"
    offer.refresh_from_db()
    assert offer.geocode_status == "refinement_failed" and offer.precision == "postal_code"
    assert (offer.point.y, offer.point.x) == placed
    assert Notification.objects.get().template == "geocoding_failed"


def test_answers_are_cached_so_one_address_is_asked_once(nominatim):
    assert geocode_remote("Karl-Heine-Straße 12, 04229 Leipzig") == (51.3291, 12.3353)
    assert geocode_remote("karl-heine-strasse 12,  04229 leipzig") == (51.3291, 12.3353)
    assert geocode_remote("Nowhere 1, 04229 Leipzig") is None
    assert geocode_remote("Nowhere 1, 04229 Leipzig") is None
    assert len(nominatim.requests) == 2


def test_a_street_nobody_finds_leaves_the_record_unmatched_and_tells_its_owner(
    nominatim, django_capture_on_commit_callbacks
):
    offer, _ = offer_at("Gibtsnichtweg 7, 04229 Leipzig", django_capture_on_commit_callbacks)
    assert refine("donations.donationoffer", offer.pk) == "not-found"
    offer.refresh_from_db()
    assert offer.geocode_status == "refinement_failed"
    note = Notification.objects.get()
    assert note.recipient == offer.donor and note.template == "geocoding_failed"


def test_a_geocoder_that_is_down_is_retried_later_and_changes_nothing(
    nominatim, django_capture_on_commit_callbacks
):
    nominatim.answers["Karl-Heine-Straße 12, 04229 Leipzig"] = 500
    offer, _ = offer_at("Karl-Heine-Straße 12, 04229 Leipzig", django_capture_on_commit_callbacks)
    with pytest.raises(RemoteGeocoderUnavailable):
        refine("donations.donationoffer", offer.pk)
    assert DonationOffer.objects.get().geocode_status == "pending_refinement"
    assert Notification.objects.count() == 0


def test_with_the_gazetteer_alone_a_street_is_placed_by_postal_code_and_matched(
    settings, django_capture_on_commit_callbacks
):
    settings.GEOCODER = "gazetteer"
    offer, _ = offer_at("Karl-Heine-Straße 12, 04229 Leipzig", django_capture_on_commit_callbacks)
    assert offer.geocode_status == "placed" and offer.postal_code == "04229"
