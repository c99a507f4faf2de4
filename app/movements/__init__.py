"""Stored declarations and their lines, customs items and pre-export notifications."""
