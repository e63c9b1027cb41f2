"""`storylint serve`: a Jira webhook receiver (see :mod:`storylint.serve.app`)."""
