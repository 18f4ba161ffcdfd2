"""Page/per_page handling shared by list endpoints (``per_page=0`` means the default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    per_page: int

    def apply(self, query: Select[Any]) -> Select[Any]:
        return query.limit(self.per_page).offset((self.page - 1) * self.per_page)


def page_params(
    page: Annotated[int, Query(ge=0, le=10_000_000)] = 1,
    per_page: Annotated[int, Query(ge=0, le=MAX_PER_PAGE)] = DEFAULT_PER_PAGE,
) -> Page:
    return Page(page=max(page, 1), per_page=per_page or DEFAULT_PER_PAGE)


PageDep = Annotated[Page, Depends(page_params)]
