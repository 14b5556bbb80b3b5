"""Offline sync, server side: batches of ops from phones and the change feed they read."""
