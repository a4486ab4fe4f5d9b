"""The Visits tab: the patient's visits, newest first."""
