"""Practice a person scores: coordinators' reviews of typed role-play replies, observed practice,
and trainees' acknowledgements of the programme's safeguarding procedure."""
