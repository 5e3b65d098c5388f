"""Pure computation on plans: no I/O, no clock, no global state."""
