from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = _("Sessions and voting")

    def ready(self) -> None:
        import ballots.audit  # noqa: F401  (registers the action log's anchors in the bundles)
        from ballots.models import VotingAction
        from projects.action_log import register_actions

        register_actions(VotingAction)
