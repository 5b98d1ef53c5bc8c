from helpline.access import is_supervisor


def roles(request):
    """Whether to show supervisors' links; a callable, so pages without the helpline nav run no query."""
    return {"helpline_supervisor": lambda: is_supervisor(request.user)}
