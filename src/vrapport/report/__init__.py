"""The report model and its writer."""
