from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.bulkimport"
    label = "bulkimport"
    verbose_name = "批量导入"
