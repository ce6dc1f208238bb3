from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from xinfang.petitions.models import Petition

        def _forget(instance: Petition, **kwargs: object) -> None:
            # No service deletes petitions; the benchmarks' clean-up does, through the ORM. The roll-ups
            # must lose what the petition contributed, in the same transaction (xinfang/reports/facts.py).
            from xinfang.reports.facts import petition_facts_forget

            petition_facts_forget(instance.pk)

        post_delete.connect(_forget, sender=Petition, weak=False, dispatch_uid="reports_forget_petition")
