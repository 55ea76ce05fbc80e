"""What accounts tell the layers above, which connect to it in their AppConfig.ready().

`checks_changed(subject=user)`: a check about the person was recorded or withdrawn, so what
the engine may match of theirs may have changed (a landlord's flats become matchable once
their identity was seen). Sent inside the transaction of the change.
"""

from django.dispatch import Signal

checks_changed = Signal()
