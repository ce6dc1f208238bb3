from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷排查台账"
