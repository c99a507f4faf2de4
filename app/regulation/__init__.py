"""The regulator workspace: rules in force, four-eyes publication, baselines, registry."""
