from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = gettext_lazy("Accounts")

    def ready(self) -> None:
        from accounts import roles

        # After every migrate (and a test run's flush), the groups hold exactly their roles' permissions.
        post_migrate.connect(roles.sync_after_migrate, sender=self, dispatch_uid="accounts.sync_roles")
