from django.urls import path

from centers import views

app_name = "centers"
urlpatterns = [
    path("", views.search, name="search"),
    path("facility/<int:pk>/<slug:slug>/", views.detail, name="detail"),
    path("understanding-care/", views.guide_index, name="guide"),
    path("understanding-care/<slug:topic>/", views.guide_topic, name="guide-topic"),
]
