"""备份: ``flask backup create`` / ``flask backup restore FILE`` and a daily job with retention.
See :mod:`alliance.backup.archive` for what an archive holds."""
