from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = _("Sessions and voting")

    def ready(self) -> None:
        import ballots.audit  # noqa: F401  (registers the action log's anchors in the bundles)
        from ballots.models import Kind, Secrecy, VotingAction
        from ballots.presenters import OUTCOMES
        from projects.action_log import register_actions
        from projects.log_rows import register_value_words

        register_actions(VotingAction)
        register_value_words("kind", Kind.choices)
        register_value_words("secrecy", Secrecy.choices)
        register_value_words("outcome", OUTCOMES.items())
