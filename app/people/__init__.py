"""People in the programme: the trainee roster, a person's data, and the audit log of what staff did."""
