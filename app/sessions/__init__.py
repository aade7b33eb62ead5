"""Live training sessions: coordinators schedule them and take attendance; trainees sign up."""
