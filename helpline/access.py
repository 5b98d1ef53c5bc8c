"""Who may use the helpline workspace and its reports."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from helpline.models import SUPERVISORS_GROUP, WORKERS_GROUP


def _in_group(user, name: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=name).exists()


def is_helpline_worker(user) -> bool:
    return user.is_superuser or _in_group(user, WORKERS_GROUP) or _in_group(user, SUPERVISORS_GROUP)


def is_supervisor(user) -> bool:
    return user.is_superuser or _in_group(user, SUPERVISORS_GROUP)


def _requiring(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("This page is for the helpline team.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


helpline_worker_required = _requiring(is_helpline_worker)
supervisor_required = _requiring(is_supervisor)
# Supervisors read the map of gaps as well as the stewards who keep the listings.
steward_or_supervisor_required = _requiring(lambda user: user.is_staff or is_supervisor(user))
