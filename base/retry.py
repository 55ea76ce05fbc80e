"""How a task retries when its failure is worth another try: the same backoff everywhere."""

RETRY = {
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
