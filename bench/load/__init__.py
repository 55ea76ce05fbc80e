"""Load test: locust against gunicorn, a worker and a generated city (`python -m bench.load`)."""
