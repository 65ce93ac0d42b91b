from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Candidate collection")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from projects.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
