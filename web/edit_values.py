"""What an edit page shows of a saved record, and which place changes it sends back.

Every kind's edit form (donations, needs, flats and households, jobs and profiles) shows the
address and, where the person set one, the pin; the place is sent to the service (and placed
again) only when the address or the pin changed, so that saving other fields never moves a
record or asks the geocoder."""

from geo.models import Precision


def as_text(value) -> str:
    """A model value as a form field shows it: dates in ISO, a ticked box as "on"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _pin(record) -> tuple[float, float] | None:
    if record.precision == Precision.PIN and record.point is not None:
        return record.point.y, record.point.x
    return None


def pin_values(record) -> dict:
    """The address and, for a record placed by a pin, its latitude and longitude."""
    pin = _pin(record)
    return {
        "address": record.address,
        "latitude": f"{pin[0]:.6f}" if pin else "",
        "longitude": f"{pin[1]:.6f}" if pin else "",
    }


def place_changes(record, fields: dict) -> dict:
    """The place fields to send: none if the address and the pin (to six places) are as
    saved; otherwise the address, with the pin if one was set."""
    old = _pin(record)
    old_pin = (round(old[0], 6), round(old[1], 6)) if old else None
    pin = None
    if fields.get("latitude") is not None:
        pin = (fields["latitude"], fields["longitude"])
    new_pin = (round(pin[0], 6), round(pin[1], 6)) if pin else None
    if fields["address"] == record.address and new_pin == old_pin:
        return {}
    changes = {"address": fields["address"]}
    if pin:
        changes["latitude"], changes["longitude"] = pin
    return changes
