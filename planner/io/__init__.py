"""Reading and validating the users' files (residents, teams, boundaries)."""
