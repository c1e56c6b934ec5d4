"""Middleware of the web shell: the interface language, and sign-in for HTMX requests."""

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


class LocaleMiddleware:
    """Like Django's LocaleMiddleware but deaf to Accept-Language.

    An official whose computer runs in English still gets Vietnamese until they pick
    English with the switch in the header (Django's set_language, which sets a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's sign-in requirement, aware of HTMX.

    When a session has expired, an HTMX request would otherwise swap the sign-in page into
    a fragment of the old page; instead the whole page goes to sign-in and comes back.
    """

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            back = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(
                redirect_to_login(back, self.get_login_url(view_func)).url
            )
        return super().handle_no_permission(request, view_func)
