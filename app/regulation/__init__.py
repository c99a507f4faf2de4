"""The regulator workspace: rules in force, versions and four-eyes publication, baselines, registry."""
