"""What placing tells the layers above it (they subscribe in `AppConfig.ready`).

Sent inside the transaction that saved the refinement. Arguments: sender (the model), record.
"""

from django.dispatch import Signal

# The remote geocoder found the street address: the record has its exact place now.
location_refined = Signal()

# The remote geocoder could not find the street address: its owner should correct it.
location_not_found = Signal()
