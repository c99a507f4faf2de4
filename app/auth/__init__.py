"""Users, roles, sessions and the users command."""
