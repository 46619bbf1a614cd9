"""CALENDAR.md's vocabulary as pure functions: every rule of the contract, each in one place."""
