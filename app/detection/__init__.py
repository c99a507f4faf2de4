"""Detection: rules and statistics over declarations, customs and the registry (pure)."""
