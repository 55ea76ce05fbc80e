"""The API's pages: the count of all rows comes with the page's rows.

Its own module, apart from api.common: REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS names
`CountedPagination`, and DRF imports it while its generic views are defined, which api.common
imports."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from rest_framework.pagination import PageNumberPagination

_FARTHEST_OFFSET = 2**62


class CountedWithRowsPaginator(Paginator):
    """Pages whose rows carry the count of all rows (a window count): one query instead of a
    count and then the page. PostgreSQL reads every row that passes the filters to sort them
    anyway; the separate count read them all again (16 of a 500-feature map's 38 ms,
    bench/load). Only a page past the end, which has no row to carry it, costs the count.
    Anything but a queryset of model rows, and a DISTINCT or combined one, is paged the usual
    way: a window counts rows before DISTINCT removes the doubles (the events' map may join
    their categories)."""

    def page(self, number):
        rows = self.object_list
        if not (
            isinstance(rows, QuerySet)
            and rows._iterable_class is ModelIterable
            and not rows.query.distinct
            and not rows.query.combinator
        ):
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom > _FARTHEST_OFFSET:  # PostgreSQL's OFFSET is a bigint; no table is that long
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(
            self.object_list.annotate(rows_in_all=Window(Count("pk")))[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.count = rows[0].rows_in_all
        elif number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.count = 0
        return self._get_page(rows, number, self)


class CountedPagination(PageNumberPagination):
    """The API's pages (REST_FRAMEWORK's default): their rows carry the count."""

    django_paginator_class = CountedWithRowsPaginator
