"""/api/v1/tokens: one's own API tokens (list, revoke one, revoke all); /api/v1/accounts: the
admins' accounts API (the same rules as the accounts pages, ``services.create_user``/``update_user``)."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import (
    BaseSchema,
    Bool,
    DateTime,
    Int,
    List,
    Nested,
    PagingArgs,
    RecordSchema,
    Str,
    length,
    list_body,
    one_of,
    page_schema,
)
from alliance.auth import services
from alliance.auth.models import User
from alliance.auth.roles import ACCOUNT_ROLES, ADMIN
from alliance.core.errors import StaleRecord
from alliance.core.permissions import deny, get_visible_or_404, roles_required
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


# --- accounts (admins) --------------------------------------------------------------------

accounts_blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1",
                         description="账号管理（仅管理员）")
exempt_from_form_csrf(accounts_blp)


class AccountSchema(RecordSchema):
    username = Str(required=True, validate=length(50, 1),
                   metadata={"description": "小写字母、数字和 _ . -；创建后不能修改"})
    display_name = Str(required=True, validate=length(50, 1))
    role = Str(required=True, validate=one_of(ACCOUNT_ROLES.codes),
               metadata={"description": "、".join(f"{c} {label}" for c, label in ACCOUNT_ROLES.items())})
    unit_id = Int(allow_none=True, metadata={"description": "联络员所属的成员单位（联络员必填）"})
    person_id = Int(allow_none=True, metadata={"description": "账号持有人在人员名册中的记录（本联盟的人员）"})
    is_active = Bool(dump_only=True)
    must_change_password = Bool(dump_only=True, metadata={
        "description": "true：密码由管理员设置，本人下次网页登录时须先修改（接口令牌不受影响）"})
    password = Str(load_only=True, required=True, validate=length(128),
                   metadata={"description": "初始密码；本人首次登录时须修改"})


class AccountPatchSchema(AccountSchema):
    username = Str(dump_only=True)
    is_active = Bool()
    password = Str(load_only=True, validate=length(128),
                   metadata={"description": "重设密码；本人下次登录时须修改"})
    version = Int(required=True, metadata={"description": "读取记录时得到的版本号"})


AccountPage = page_schema(AccountSchema, "AccountPage")


@accounts_blp.route("/accounts")
@roles_required(ADMIN)
@accounts_blp.arguments(PagingArgs, location="query", as_kwargs=True)
@accounts_blp.response(200, AccountPage)
def list_accounts(page, per_page):
    """本联盟的账号（含对应人员 person_id）"""
    from sqlalchemy import select

    stmt = select(User).where(User.alliance_id == current_user.alliance_id, User.deleted_at.is_(None)) \
        .order_by(User.username, User.id)
    return list_body(stmt, AccountSchema, User, page, per_page)


@accounts_blp.route("/accounts", methods=["POST"])
@roles_required(ADMIN)
@accounts_blp.arguments(AccountSchema)
@accounts_blp.response(201, AccountSchema)
def create_account(data):
    """新建账号（可关联本联盟的一位人员；初始密码须由本人首次登录时修改）"""
    user = services.create_user(data, alliance_id=current_user.alliance_id, set_by_admin=True)
    db.session.commit()
    return user


@accounts_blp.route("/accounts/<int:user_id>")
@roles_required(ADMIN)
@accounts_blp.response(200, AccountSchema)
def get_account(user_id):
    """账号详情"""
    return get_visible_or_404(User, user_id)


@accounts_blp.route("/accounts/<int:user_id>", methods=["PATCH"])
@roles_required(ADMIN)
@accounts_blp.arguments(AccountPatchSchema(partial=("display_name", "role", "unit_id", "person_id",
                                                    "is_active", "password")))
@accounts_blp.response(200, AccountSchema)
def update_account(data, user_id):
    """修改账号：姓名、角色、单位、对应人员、启用、重设密码（未给出的字段不变）"""
    user = get_visible_or_404(User, user_id)
    version = data.pop("version")
    if version != user.version:
        raise StaleRecord()
    merged = {"display_name": user.display_name, "role": user.role, "unit_id": user.unit_id,
              "person_id": user.person_id, "is_active": user.is_active, **data}
    services.update_user(user, merged, version=version, actor=current_user)
    db.session.commit()
    return user
