from django.db import migrations

# The checklist the field uses (登记规范, 告知及时, 意见书要素齐全, 送达有据, 按期办结, 答复质量); admins edit it.
DEFAULT_ITEMS = [
    ("registration", "登记规范", 15, "", 10),
    ("notice_on_time", "告知及时", 20, "notice_on_time", 20),
    ("decision_complete", "意见书要素齐全", 20, "decision_complete", 30),
    ("delivered", "送达有据", 15, "delivered", 40),
    ("handled_on_time", "按期办结", 20, "handled_on_time", 50),
    ("reply_quality", "答复质量", 10, "", 60),
]


def create(apps, schema_editor):
    ChecklistItem = apps.get_model("ledgers", "ChecklistItem")
    for code, label, weight, rule, order in DEFAULT_ITEMS:
        ChecklistItem.objects.get_or_create(
            code=code, defaults={"label": label, "weight": weight, "auto_rule": rule, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
