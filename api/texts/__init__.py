"""The console's words for each screen, one module per screen (``TEXTS``: key -> {"vi", "en"}).

api/i18n.py merges them with the chrome's words into one catalogue and refuses a key written
twice, so screens built side by side cannot overwrite each other's words.
"""
