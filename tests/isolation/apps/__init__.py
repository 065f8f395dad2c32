"""Each app's part of the tenant-isolation walk; see `_extensions` in tests/isolation/walker.py."""
