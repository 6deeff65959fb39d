from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from directory.models import Taxonomy, TaxonomyTerm
from directory.oruk import page_json, taxonomy_json, taxonomy_term_json

from api.deps import SessionDep
from api.errors import ApiError, responses
from api.queries import PageQuery, TaxonomyTermQuery

router = APIRouter(tags=["Open Referral UK"])
Id = Annotated[str, Path(max_length=64)]


@router.get("/taxonomies", summary="Paginated list of taxonomies (ORUK)")
def list_taxonomies(query: Annotated[PageQuery, Query()], session: SessionDep) -> dict:
    total = session.scalar(select(func.count(Taxonomy.id))) or 0
    rows = session.scalars(
        select(Taxonomy).order_by(Taxonomy.name).offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([taxonomy_json(t) for t in rows], total, query.page, query.per_page)


@router.get("/taxonomies/{id}", summary="A taxonomy with its terms (ORUK)", responses=responses(404))
def get_taxonomy(id: Id, session: SessionDep) -> dict:
    taxonomy = session.scalar(
        select(Taxonomy).where(Taxonomy.id == id).options(selectinload(Taxonomy.terms).selectinload(TaxonomyTerm.taxonomy))
    )
    if taxonomy is None:
        raise ApiError(404, "not_found", "No taxonomy has that id.")
    return taxonomy_json(taxonomy, with_terms=True)


@router.get("/taxonomy_terms", summary="Paginated list of taxonomy terms (ORUK)")
def list_taxonomy_terms(query: Annotated[TaxonomyTermQuery, Query()], session: SessionDep) -> dict:
    statement = select(TaxonomyTerm)
    if query.taxonomy_id:
        statement = statement.where(TaxonomyTerm.taxonomy_id == query.taxonomy_id)
    if query.parent_id:
        statement = statement.where(TaxonomyTerm.parent_id == query.parent_id)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.options(selectinload(TaxonomyTerm.taxonomy))
        .order_by(TaxonomyTerm.position, TaxonomyTerm.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([taxonomy_term_json(t) for t in rows], total, query.page, query.per_page)


@router.get("/taxonomy_terms/{id}", summary="A taxonomy term (ORUK); accepts the id or the term code",
            responses=responses(404))
def get_taxonomy_term(id: Id, session: SessionDep) -> dict:
    term = session.scalar(
        select(TaxonomyTerm).where((TaxonomyTerm.id == id) | (TaxonomyTerm.code == id))
        .options(selectinload(TaxonomyTerm.taxonomy))
    )
    if term is None:
        raise ApiError(404, "not_found", "No taxonomy term has that id.")
    return taxonomy_term_json(term)
