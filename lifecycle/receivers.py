"""How the lifecycle hears of what happens below it (connected in `LifecycleConfig.ready`)."""


def match_once_placed(sender, record, **kwargs) -> None:
    """The remote geocoder placed the record's street: now it can be matched."""
    record.request_matching()
