"""/api/v1/tokens: one's own API tokens (list, revoke one, revoke all)."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import BaseSchema, DateTime, Int, List, Nested, Str
from alliance.auth import services
from alliance.core.permissions import deny, roles_required
from alliance.core.types import utcnow
from alliance.extensions import db

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1", description="接口令牌")
exempt_from_form_csrf(blp)


class TokenSchema(BaseSchema):
    id = Int(dump_only=True)
    name = Str(dump_only=True)
    prefix = Str(dump_only=True, metadata={"description": "令牌开头几位，用于辨认；令牌本身只在创建时显示一次"})
    created_at = DateTime(dump_only=True)
    last_used_at = DateTime(dump_only=True, allow_none=True,
                            metadata={"description": "最近一次使用（精确到约一分钟）"})
    expires_at = DateTime(dump_only=True, allow_none=True)
    revoked_at = DateTime(dump_only=True, allow_none=True)
    is_active = Str(dump_only=True, metadata={"description": "true：未撤销且未过期"})


class TokenListSchema(BaseSchema):
    items = List(Nested(TokenSchema))
    total = Int()


class RevokedSchema(BaseSchema):
    revoked = Int(metadata={"description": "本次撤销的令牌数"})


def _body(token) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at,
            "is_active": "true" if token.is_usable(utcnow()) else "false"}


@blp.route("/tokens")
@roles_required()
@blp.response(200, TokenListSchema)
def list_tokens():
    """本人的接口令牌（创建时间、最近使用、到期时间；含已撤销的）"""
    tokens = services.tokens_of(current_user)
    return {"items": [_body(t) for t in tokens], "total": len(tokens)}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@roles_required()
@blp.response(204)
def revoke_token(token_id):
    """撤销本人的一个接口令牌（他人的令牌答 404）"""
    try:
        services.revoke_token(current_user, token_id)
    except LookupError:
        deny(404, f"ApiToken {token_id} 不存在或不属于本账号")
    db.session.commit()


@blp.route("/tokens", methods=["DELETE"])
@roles_required()
@blp.response(200, RevokedSchema)
def revoke_all_tokens():
    """撤销本人的全部接口令牌（包括本次请求所用的令牌）"""
    count = services.revoke_all_tokens(current_user)
    db.session.commit()
    return {"revoked": count}
