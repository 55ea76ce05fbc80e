from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lifecycle.signals import matching_requested
from lifecycle.states import Status

# Fields that hold personal data and are therefore kept out of the change history: the
# history says that the address changed, never what it was, so erasure and retention only
# have to scrub the live row.
PERSONAL_FIELDS_NOT_IN_HISTORY = [
    "address",
    "point",
    "approx_point",
    "description",
    "household_notes",
    "person_name",
    "person_phone",
]


class LifecycleModel(models.Model):
    """A need or an offer: status, dirty flag for matching, and the history of every change.

    Concrete models say who answers for them by setting one of
    `OWNER_FIELD` (a user, e.g. "donor") or `ORGANISATION_FIELD` (an initiative whose active
    members share the record), and whether people other than those may browse them in their
    public form (`BROWSABLE`).
    """

    OWNER_FIELD: str | None = None
    ORGANISATION_FIELD: str | None = None
    # Offers of goods and flats and the needs initiatives post are listed publicly (without
    # exact place or contact); a volunteer's profile or a household's need is not.
    BROWSABLE = True

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # Dirty flag: set in the transaction that creates or changes the record, cleared by the
    # matching task. The periodic sweep re-enqueues whatever still carries it, so a broker that
    # lost its queue loses nothing.
    needs_matching = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the record reached fulfilled, expired or withdrawn; the retention clock starts here.
    closed_at = models.DateTimeField(null=True, blank=True)
    # When retention or erasure removed its personal data.
    scrubbed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(inherit=True, excluded_fields=PERSONAL_FIELDS_NOT_IN_HISTORY)

    class Meta:
        abstract = True

    @classmethod
    def expiry_q(cls, today) -> Q | None:
        """Open records whose time is over on `today`; None if the kind never expires by date."""
        return None

    def owner_user_id(self) -> int | None:
        if self.OWNER_FIELD:
            return getattr(self, f"{self.OWNER_FIELD}_id")
        return getattr(self, "created_by_id", None)

    def owner(self):
        """The person who answers for the record and receives its notifications."""
        if self.OWNER_FIELD:
            return getattr(self, self.OWNER_FIELD)
        return self.created_by

    def request_matching(self) -> None:
        """Flag the record for matching and tell whoever matches it (after commit).

        The flag is the source of truth; the task that follows is only a fast path (the sweep
        finds flagged records whose message was lost).
        """
        type(self).objects.filter(pk=self.pk).update(needs_matching=True)
        self.needs_matching = True
        matching_requested.send(sender=type(self), record=self)

    def contact_details(self) -> dict:
        """How to reach whoever answers for the record (shown only to those entitled)."""
        person = self.owner()
        contact = {
            "name": person.get_full_name() or person.username,
            "email": person.email,
            "phone": person.phone,
        }
        if self.ORGANISATION_FIELD:
            organisation = getattr(self, self.ORGANISATION_FIELD)
            contact["organisation"] = organisation.name
            contact["email"] = organisation.email or person.email
        return contact

    def scrubbed_values(self) -> dict:
        """Field values that replace personal data on erasure or after retention."""
        values: dict = {"address": "", "description": "", "point": F("approx_point")}
        if hasattr(self, "title"):
            values["title"] = "—"
        return {k: v for k, v in values.items() if hasattr(self, k)}

    def scrub_related(self) -> None:
        """Remove personal data held in rows that belong to this record (override if any)."""

    def export_data(self) -> dict:
        """Everything the record holds, for the person's data export (override to add rows
        that belong to it, such as shifts)."""
        data: dict = {"kind": self._meta.label_lower}
        for field in self._meta.concrete_fields:
            value = field.value_from_object(self)
            if hasattr(value, "coords"):
                value = {"lat": value.y, "lon": value.x}
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            data[field.attname] = value
        for field in self._meta.many_to_many:
            data[field.name] = [str(obj) for obj in getattr(self, field.name).all()]
        return data


class AvailabilityCheckedOffer(models.Model):
    """An offer that is asked now and then whether it is still available (a donation, a
    volunteer's profile, a flat): one that nobody answers for is withdrawn, so that needs are
    not matched with offers whose owners have long moved on."""

    availability_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    availability_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
