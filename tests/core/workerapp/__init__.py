"""A test-only Django app for real `dukkan worker` processes.

Workers started by the tests use `DJANGO_SETTINGS_MODULE=tests.core.workerapp.settings`,
which adds this app; its `ready()` registers a periodic job that fires every two seconds.
Production settings never see it. Tasks append one line per run to a file in
`$DUKKAN_TEST_RECORD_DIR`, so the test can count runs across processes.
"""
