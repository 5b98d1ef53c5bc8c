from functools import cache

from django.db import connections, router

from centers.models import Facility


def directory(request):
    """Whether fictional demo facilities are listed (every page then says so)."""
    return {"demo_data_listed": demo_data_listed}


def demo_data_listed() -> bool:
    """One probe of the (source, is_listed) index, asked only by a page that shows the banner's place."""
    # Every page asks, so the statement is compiled once per process and database: building and compiling
    # the query each time cost more than running it.
    alias = router.db_for_read(Facility)
    sql, params = _demo_listed_statement(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


@cache
def _demo_listed_statement(alias: str) -> tuple[str, tuple]:
    query = Facility.objects.demo().filter(is_listed=True).query.exists()
    return query.get_compiler(using=alias).as_sql()
