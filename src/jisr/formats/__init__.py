"""Date and number formats per language (Django FORMAT_MODULE_PATH)."""
