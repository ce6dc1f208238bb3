from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.reports"
    label = "reports"
    verbose_name = "统计报表"
