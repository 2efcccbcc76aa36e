from security.instances import migrated_sqlite  # noqa: F401  (fixture)
