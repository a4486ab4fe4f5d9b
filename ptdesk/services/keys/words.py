"""What the screens and commands say about the clinic key (plain text, no database imports)."""

RECOVERY_WARNING = (
    "Print this recovery key and lock it away. It opens the clinic's records when every "
    "password is forgotten. If every password and this key are lost, the clinic's data is "
    "gone for good: nobody can open it, not even PT Desk's makers.")
