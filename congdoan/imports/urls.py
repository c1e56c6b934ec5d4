from django.urls import path

from congdoan.imports import specs, views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    # One route per kind rather than a <kind> parameter: the forms are the same for every
    # user, not objects of anyone's scope. Reversed as url "imports:template" kind=….
    *(
        path(f"templates/{kind}.xlsx", views.template_download, {"kind": kind}, name="template")
        for kind in specs.kinds()
    ),
    path("<int:job>/", views.job_detail, name="detail"),
    path("<int:job>/state/", views.job_state, name="state"),
    path("<int:job>/confirm/", views.job_confirm, name="confirm"),
    path("<int:job>/cancel/", views.job_cancel, name="cancel"),
    path("<int:job>/rejects/", views.job_rejects, name="rejects"),
]
