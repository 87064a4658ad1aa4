# No tables of its own yet. The module exists because Django sends post_migrate only to apps
# with a models module, and that signal is when the roles are synced (accounts/apps.py).
