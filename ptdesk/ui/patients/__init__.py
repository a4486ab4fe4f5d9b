"""The patient list and the patient details dialog."""
