from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import roles

        # After every migrate (and a test run's flush), the groups hold exactly their roles' permissions.
        post_migrate.connect(roles.sync_after_migrate, sender=self, dispatch_uid="accounts.sync_roles")
