from centers.models import Facility


def directory(request):
    """Whether fictional demo facilities are listed (every page then says so)."""
    return {"demo_data_listed": lambda: Facility.objects.demo().filter(is_listed=True).exists()}
