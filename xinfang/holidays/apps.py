from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.holidays"
    label = "holidays"
    verbose_name = "节假日"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.holidays.models import CalendarDay
        from xinfang.holidays.selectors import clear_cache

        def _clear(**kwargs: object) -> None:
            clear_cache()

        post_save.connect(_clear, sender=CalendarDay, weak=False)
        post_delete.connect(_clear, sender=CalendarDay, weak=False)
