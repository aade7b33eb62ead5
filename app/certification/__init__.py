"""Certification: whether a mentor is ready to be matched, as pure functions of the program,
the course and their records."""
