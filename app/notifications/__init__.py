"""Emails PeerPath sends on its own: what is due at a moment (``due.py``, ``digest.py``), each
recorded once under its unique key and queued in the outbox (``run.py``), and how each email is
written (``emails.py``). ``flask --app app notify`` runs it (app/ops/notify_cli.py)."""
