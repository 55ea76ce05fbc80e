"""The issue's scenario as API payloads, shared by the tests that post it."""

JACKETS_NEED = {
    "title": "20 Winterjacken für die Notunterkunft",
    "category": "clothing-winter-jacket",
    "attributes": {"size": "M"},
    "quantity": 20,
    "address": "Leipzig-Grünau",
}
JACKETS_OFFER = {
    "title": "12 winter jackets, hardly worn",
    "category": "clothing-winter-jacket",
    "attributes": {"size": "M"},
    "quantity": 12,
    "address": "Leipzig-Lindenau",
}
