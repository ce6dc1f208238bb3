from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.documents"
    label = "documents"
