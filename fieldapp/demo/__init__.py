"""Demo data and a simulated call-center CRM, for `make run` and tests."""
