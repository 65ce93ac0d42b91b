from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Implementation tracking")

    def ready(self) -> None:
        from projects.action_log import register_actions
        from tracking.models import TrackingAction

        register_actions(TrackingAction)
        from tracking import log_words

        log_words.register()
        from ballots.signals import round_closed
        from tracking.services.from_vote import on_round_closed

        round_closed.connect(on_round_closed, dispatch_uid="tracking.projects_from_round")
        from tracking.services import evaluation

        evaluation.register()  # the voting floor's checks and ballot cards for named projects
        round_closed.connect(evaluation.on_round_closed, dispatch_uid="tracking.evaluation_record")
