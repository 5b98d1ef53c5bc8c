from helpline.access import is_helpline_worker, is_supervisor


def roles(request):
    """Whether to show helpline tools and supervisors' links.

    Callables, so a page that doesn't ask runs no query (and anonymous visitors never do).
    """
    return {
        "helpline_worker": lambda: is_helpline_worker(request.user),
        "helpline_supervisor": lambda: is_supervisor(request.user),
    }
