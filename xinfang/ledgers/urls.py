from django.urls import URLPattern, URLResolver, path

from xinfang.ledgers.views import home, outreach, review, risk, suggestions

app_name = "ledgers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("risk/", risk.risk_list, name="risk_list"),
    path("risk/new/", risk.risk_new, name="risk_new"),
    path("risk/<int:pk>/", risk.risk_detail, name="risk_detail"),
    path("risk/<int:pk>/assess/", risk.risk_assess, name="risk_assess"),
    path("risk/<int:pk>/conclude/", risk.risk_conclude, name="risk_conclude"),
    path("risk/<int:pk>/follow-up/", risk.risk_follow_up, name="risk_follow_up"),
    path("risk/<int:pk>/link/", risk.risk_link, name="risk_link"),
    path("risk/<int:pk>/attach/", risk.risk_attach, name="risk_attach"),
    path("risk/attachments/<int:attachment_id>/", risk.risk_attachment, name="risk_attachment"),
    path("reviews/", review.review_list, name="review_list"),
    path("reviews/new/", review.review_new, name="review_new"),
    path("reviews/<int:pk>/", review.review_detail, name="review_detail"),
    path("reviews/cases/<int:pk>/", review.review_case, name="review_case"),
    path("reviews/cases/<int:pk>/problem/", review.review_problem, name="review_problem"),
    path("reviews/problems/", review.problem_list, name="problem_list"),
    path("reviews/problems/<int:pk>/", review.problem_rectify, name="problem_rectify"),
    path("suggestions/", suggestions.suggestion_list, name="suggestion_list"),
    path("suggestions/public/", suggestions.public_suggestions, name="public_suggestions"),
    path("suggestions/<int:pk>/", suggestions.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/adopt/", suggestions.suggestion_adopt, name="suggestion_adopt"),
    path("suggestions/<int:pk>/deliver/", suggestions.suggestion_deliver, name="suggestion_deliver"),
    path("suggestions/<int:pk>/study/", suggestions.suggestion_study, name="suggestion_study"),
    path("suggestions/<int:pk>/units/", suggestions.suggestion_units, name="suggestion_units"),
    path("suggestions/<int:pk>/consent/", suggestions.suggestion_consent, name="suggestion_consent"),
    path("suggestions/<int:pk>/reward/", suggestions.suggestion_reward, name="suggestion_reward"),
    path("outreach/", outreach.outreach_list, name="outreach_list"),
    path("outreach/new/", outreach.outreach_new, name="outreach_new"),
    path("training/", outreach.training_list, name="training_list"),
    path("training/new/", outreach.training_new, name="training_new"),
]
