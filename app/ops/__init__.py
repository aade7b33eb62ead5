"""Operations: command-line tools, demo data, backups, outgoing mail."""
