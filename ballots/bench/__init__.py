"""The casting benchmark and the helper that starts ASGI servers for it and for the tests.

Not on any request's code path: only `manage.py bench` and the test suite import it.
"""
