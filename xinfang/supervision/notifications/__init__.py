"""Notifications: the in-app inbox and the outbound SMS/e-mail interface (see `services`)."""
