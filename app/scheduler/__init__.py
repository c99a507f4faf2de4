"""The scheduler: jobs run in their own process, one scheduler at a time, every run recorded."""
