# Installed on PYTHONPATH by tests/github only while the real engine is missing.
try:
    import stub_engine

    stub_engine.install()
except Exception:  # pragma: no cover
    pass
