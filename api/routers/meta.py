from fastapi import APIRouter

from directory.oruk import HSDS_VERSION, PROFILE_URL

router = APIRouter(tags=["Open Referral UK"])


@router.get("/", summary="API meta information (ORUK)")
def api_meta() -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": "https://openreferraluk.org/specifications/3.0/openapi.json",
    }


@router.get("/healthz", include_in_schema=False)
def health() -> dict:
    return {"status": "ok"}
