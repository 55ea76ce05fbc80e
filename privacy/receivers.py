"""How privacy hears that personal data was shown (connected in `PrivacyConfig.ready`)."""

from privacy.services import log_access


def keep_audit(sender, viewer, records, why: str, **kwargs) -> None:
    log_access(viewer, records, why=why)
