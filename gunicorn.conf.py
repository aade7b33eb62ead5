"""gunicorn's settings for PeerPath, read from the repository root (gunicorn loads
``./gunicorn.conf.py`` by default; the README's command names it with ``--config``).

Forwarded headers (``X-Forwarded-Proto`` and the like) are believed only when ``TRUST_PROXY`` is
set, as the app's own ProxyFix (``app/web/security.py``) is: otherwise any local client could make
a request look like HTTPS, getting a Secure cookie and HSTS on a plain-HTTP connection. With
``TRUST_PROXY``, gunicorn believes the proxy at ``FORWARDED_ALLOW_IPS`` (default: this machine).
Workers are threaded (gthread), so a few slow clients cannot starve the site (security review F2):
a sync worker is held by one connection for as long as its client keeps sending a header line
every few seconds; a threaded worker waits on such a connection without blocking the others, and
drops it after ``timeout``. The number of worker processes stays on the command line.
"""

import os

TRUST_PROXY = os.environ.get("TRUST_PROXY", "").lower() in ("1", "true", "yes")  # as app/config.py reads it

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if TRUST_PROXY else ""

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))  # a handful of slow clients on one worker still leave it room
timeout = 30  # a request, or a client sending its headers, that takes longer is cut off
keepalive = 5
