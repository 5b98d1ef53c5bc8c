from django.urls import path

import finder.ids  # noqa: F401 (registers <id:...>: a number too large for a primary key is a 404)
from centers import chooser_views, views

app_name = "centers"
urlpatterns = [
    path("", views.search, name="search"),
    path("facility/<id:pk>/<slug:slug>/", views.detail, name="detail"),
    path("understanding-care/", views.guide_index, name="guide"),
    # Before the topics: "choose" would otherwise be taken for a topic's name.
    path("understanding-care/choose/", chooser_views.choose, name="choose"),
    path("understanding-care/<slug:topic>/", views.guide_topic, name="guide-topic"),
]
