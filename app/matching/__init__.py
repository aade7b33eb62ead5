"""The hand-off to matching systems: what a mentor looks like to one (the feed behind the API and
webhooks, departures included), who may read it (scopes), and webhooks (events, signing, the
delivery queue)."""
