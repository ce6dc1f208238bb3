from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.routing"
    label = "routing"
    verbose_name = "智能分办"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from xinfang.petitions.models import Petition
        from xinfang.routing.signals import queue_vector

        post_save.connect(queue_vector, sender=Petition, dispatch_uid="routing_queue_vector")
