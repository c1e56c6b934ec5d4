from django.urls import path

from congdoan.org import views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("tree/children/<str:code>/", views.tree_children, name="tree_children"),
    path("search/", views.search, name="search"),
    # Unit codes are upper-case, so they never clash with the lower-case words above.
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/create/", views.create_child, name="create"),
    path("<str:code>/rename/", views.rename, name="rename"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/merge/", views.merge, name="merge"),
    path("<str:code>/split/", views.split, name="split"),
    path("<str:code>/dissolve/", views.dissolve, name="dissolve"),
]
